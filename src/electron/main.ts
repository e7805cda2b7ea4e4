// The desktop app's main process: one hardened window showing the built renderer from the
// app:// origin, the IPC binding of the contract, and the ConsoleService in a utility
// process (service-process.ts). Thin on purpose (docs/ARCHITECTURE.md, "Electron and the
// browser console"): everything an operator does goes through src/app in that process.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BrowserWindow, Menu, app, dialog, ipcMain, net, protocol, session, shell, utilityProcess, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { API_NAMES } from '../contract/api.js';
import { appMenuTemplate } from './app-menu.js';
import { resolveAppFile } from './app-files.js';
import { APP_ENTRY_URL, APP_SCHEME, isAppUrl } from './app-origin.js';
import { CONTENT_SECURITY_POLICY } from './content-security-policy.js';
import { vettedExternalUrl } from './external-links.js';
import { guardRequest, type RequestSender } from './ipc-guard.js';
import { electronSqliteBinding } from './native-binding.js';
import { EVENT_CHANNEL, channelOf } from './preload-operations.js';
import { ServiceHost, type ServicePort } from './service-host.js';
import type { ApiEnvelope, FromService } from './service-messages.js';
import { mainWindowOptions } from './window-options.js';

const RENDERER_ROOT = fileURLToPath(new URL('../../renderer/dist/', import.meta.url));
const PRELOAD = fileURLToPath(new URL('./preload.cjs', import.meta.url));
const SERVICE_ENTRY = fileURLToPath(new URL('./service-process.js', import.meta.url));
const DEV_TOOLS = !app.isPackaged;

// Both must happen before 'ready'. A standard, secure scheme gives the renderer a real
// origin for 'self' in the CSP and for the IPC sender check; enableSandbox() sandboxes
// every renderer, even one created without our window options.
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } }]);
app.enableSandbox();

// A separate Chromium profile on request (the end-to-end tests give each run a fresh one).
if (process.env.HANDRAIL_ELECTRON_USER_DATA) app.setPath('userData', process.env.HANDRAIL_ELECTRON_USER_DATA);

let mainWindow: BrowserWindow | undefined;

if (!app.requestSingleInstanceLock()) {
  // Two apps on one data folder would each believe they drive the same runs.
  app.quit();
} else {
  app.on('second-instance', () => {
    if (mainWindow?.isMinimized()) mainWindow.restore();
    mainWindow?.focus();
  });
  app.on('web-contents-created', (_event, contents) => hardenContents(contents));
  app
    .whenReady()
    .then(start)
    .catch((error: unknown) => fail('Handrail could not start', error instanceof Error ? error.message : String(error)));
}

async function start(): Promise<void> {
  if (!existsSync(`${RENDERER_ROOT}index.html`)) {
    return fail('Handrail’s window is not built', `There is no ${RENDERER_ROOT}index.html. Run \`npm run build\` (or \`npm start\`, which builds what is stale), then start Handrail again. Nothing was changed.`);
  }
  const binding = electronSqliteBinding();
  if ('missing' in binding) {
    return fail(
      'Handrail cannot open its database',
      `better-sqlite3 has no build for Electron ${process.versions.electron} at ${binding.missing}. ` +
        'Run `npm run rebuild:electron-native` (or `npm start`, which does it), then start Handrail again. Nothing was changed.',
    );
  }
  hardenSession();
  serveRenderer();
  Menu.setApplicationMenu(Menu.buildFromTemplate(appMenuTemplate({ isMac: process.platform === 'darwin', devTools: DEV_TOOLS })));

  const host = new ServiceHost(() => spawnService(binding.path));
  host.start();
  bindIpc(host);
  host.onEvent((event) => {
    if (mainWindow && !mainWindow.isDestroyed()) mainWindow.webContents.send(EVENT_CHANNEL, event);
  });
  let closed = false;
  app.on('before-quit', (event) => {
    if (closed) return;
    // Let the service turn live runs into interrupted (resumable) ones and close its database first.
    event.preventDefault();
    void host.close().finally(() => {
      closed = true;
      app.quit();
    });
  });
  // One window is the whole app: closing it quits on every platform, macOS included,
  // rather than leaving runs driven by an app with no window.
  app.on('window-all-closed', () => app.quit());

  mainWindow = new BrowserWindow(mainWindowOptions({ preload: PRELOAD, devTools: DEV_TOOLS }));
  const shown = mainWindow;
  shown.once('ready-to-show', () => shown.show());
  await shown.loadURL(APP_ENTRY_URL);
}

function spawnService(bindingPath: string): ServicePort {
  const child = utilityProcess.fork(SERVICE_ENTRY, [], {
    serviceName: 'Handrail service',
    stdio: 'inherit',
    env: { ...process.env, HANDRAIL_SQLITE_BINDING: bindingPath },
  });
  return {
    send: (message) => child.postMessage(message),
    onMessage: (listener) => child.on('message', (message: FromService) => listener(message)),
    onExit: (listener) => child.once('exit', (code) => listener(code)),
    kill: () => void child.kill(),
  };
}

/** One handler per operation: sender checked and request parsed here, before the service sees it. */
function bindIpc(host: ServiceHost): void {
  for (const operation of API_NAMES) {
    ipcMain.handle(channelOf(operation), (event, raw: unknown): Promise<ApiEnvelope> => {
      const verdict = guardRequest(operation, describeSender(event), raw);
      return 'error' in verdict ? Promise.resolve({ error: verdict.error }) : host.call(operation, verdict.request);
    });
  }
}

function describeSender(event: IpcMainInvokeEvent): RequestSender {
  const frame = event.senderFrame;
  const window = mainWindow;
  if (!frame) return { frameUrl: null, isAppMainFrame: false };
  const top = window && !window.isDestroyed() ? window.webContents.mainFrame : undefined;
  const isAppMainFrame =
    top !== undefined && event.sender === window?.webContents && frame.parent === null && frame.processId === top.processId && frame.routingId === top.routingId;
  return { frameUrl: frame.url, isAppMainFrame };
}

/** app://handrail/… → the built renderer, every response with the CSP and no MIME sniffing. */
function serveRenderer(): void {
  const headers = { 'Content-Security-Policy': CONTENT_SECURITY_POLICY, 'X-Content-Type-Options': 'nosniff' };
  protocol.handle(APP_SCHEME, async (request) => {
    const target = resolveAppFile(request.url, RENDERER_ROOT);
    if ('status' in target) return new Response(target.reason, { status: target.status, headers });
    const file = await net.fetch(pathToFileURL(target.file).href).catch(() => undefined);
    if (!file?.ok) return new Response('not found', { status: 404, headers });
    const merged = new Headers(file.headers);
    for (const [name, value] of Object.entries(headers)) merged.set(name, value);
    return new Response(file.body, { status: 200, headers: merged });
  });
}

function hardenSession(): void {
  const ses = session.defaultSession;
  // Handrail needs no camera, microphone, notifications, geolocation, clipboard reads, HID…
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler(() => false);
}

/** Applied to every webContents: it cannot navigate, open windows or embed webviews. */
function hardenContents(contents: WebContents): void {
  // The app's own pages may load each other (a reload, a deep link); a link in a runbook's
  // prose goes to the operator's browser if it is plain http(s); anything else is dropped.
  contents.on('will-navigate', (event, url) => {
    if (isAppUrl(url)) return;
    event.preventDefault();
    openOutside(url);
  });
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    openOutside(url);
    return { action: 'deny' };
  });
}

function openOutside(url: string): void {
  const vetted = vettedExternalUrl(url);
  if (vetted) void shell.openExternal(vetted);
}

function fail(title: string, detail: string): void {
  process.stderr.write(`handrail: ${title}: ${detail}\n`);
  dialog.showErrorBox(title, detail);
  app.exit(1);
}
