// The sandboxed preload: exposes `window.handrail`, one named function per contract
// operation and `onEvent`, never a generic invoke (docs/ARCHITECTURE.md, "Electron and
// the browser console"). Bundled by scripts/build-electron.mjs into dist/electron/preload.cjs: a
// sandboxed preload is CommonJS and may require only `electron` and a few built-ins.
import { contextBridge, ipcRenderer } from 'electron';
import type { ApiError, ApiName, ConsoleBridge, ConsoleEvent } from '../contract/api.js';
import { EVENT_CHANNEL, PRELOAD_OPERATIONS, channelOf } from './preload-operations.js';

type Envelope = { ok: unknown } | { error: ApiError };

function unwrap(envelope: Envelope): unknown {
  // A plain object, not an Error: contextBridge copies an Error's message only, and the
  // renderer needs the code (refused, invalid, not-found, failed) to word its banner.
  if ('error' in envelope) throw { name: 'ApiError', ...envelope.error };
  return envelope.ok;
}

const operation = (name: ApiName) => (request: unknown) => ipcRenderer.invoke(channelOf(name), request).then(unwrap);

const bridge = Object.fromEntries(PRELOAD_OPERATIONS.map((name) => [name, operation(name)])) as Omit<ConsoleBridge, 'onEvent'>;

contextBridge.exposeInMainWorld('handrail', {
  ...bridge,
  onEvent(listener: (event: ConsoleEvent) => void): () => void {
    // The IpcRendererEvent stays here: it carries `sender`, which the page must not get.
    const relay = (_event: unknown, consoleEvent: ConsoleEvent) => listener(consoleEvent);
    ipcRenderer.on(EVENT_CHANNEL, relay);
    return () => {
      ipcRenderer.removeListener(EVENT_CHANNEL, relay);
    };
  },
} satisfies ConsoleBridge);
