import type { ConsoleTransport } from './console-transport.js';
import { ElectronTransport } from './electron-transport.js';
import { WsTransport } from './ws-transport.js';

/** Electron's preload bridge when the page runs in the desktop app, else the WebSocket. */
export function pickTransport(): ConsoleTransport {
  return window.handrail ? new ElectronTransport(window.handrail) : WsTransport.forPage();
}
