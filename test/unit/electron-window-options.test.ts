// The desktop window is created with Electron's hardened settings: no Node in the page, the
// Chromium sandbox, an isolated preload world, web security on, no webviews.
import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../src/electron/content-security-policy.js';
import { mainWindowOptions } from '../../src/electron/window-options.js';

describe('the main window', () => {
  const options = mainWindowOptions({ preload: '/app/dist/electron/preload.cjs', devTools: false });
  const web = options.webPreferences ?? {};

  it('isolates and sandboxes the page, with no Node integration anywhere', () => {
    expect(web).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      disableBlinkFeatures: 'Auxclick',
    });
    expect(web.enableBlinkFeatures ?? '').toBe('');
  });

  it('loads the given preload and keeps developer tools off unless asked', () => {
    expect(web.preload).toBe('/app/dist/electron/preload.cjs');
    expect(web.devTools).toBe(false);
    expect(mainWindowOptions({ preload: '/p.cjs', devTools: true }).webPreferences?.devTools).toBe(true);
  });

  it('serves a CSP that allows only the app’s own scripts and forbids plugins, base changes and framing', () => {
    const directives = new Map(CONTENT_SECURITY_POLICY.split(';').map((part) => {
      const [name = '', ...sources] = part.trim().split(/\s+/);
      return [name, sources] as const;
    }));
    expect(directives.get('default-src')).toEqual(["'self'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline/);
  });
});
