// The main window's options, hardened (Electron's security checklist): the page gets no
// Node, runs in Chromium's sandbox in its own JavaScript world, and talks to Handrail only
// through the preload's named functions. Kept apart from main.ts so a test can assert the
// values without an Electron runtime (test/unit/electron-window-options.test.ts).
import type { BrowserWindowConstructorOptions } from 'electron';

export interface WindowOptionsInput {
  /** Absolute path of the bundled preload (dist/electron/preload.cjs). */
  preload: string;
  /** Developer tools: on in a development build, off in a packaged app. */
  devTools: boolean;
}

export function mainWindowOptions({ preload, devTools }: WindowOptionsInput): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 860,
    minWidth: 900,
    minHeight: 600,
    title: 'Handrail',
    // Shown on 'ready-to-show': no white flash before the first paint.
    show: false,
    backgroundColor: '#ffffff',
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      enableBlinkFeatures: '',
      // Middle-click would try to open a link in a new window; the window-open handler
      // denies it anyway, and the app has no use for the event.
      disableBlinkFeatures: 'Auxclick',
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
      devTools,
    },
  };
}
