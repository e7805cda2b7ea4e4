// Where the desktop app finds better-sqlite3 built for Electron's ABI. node_modules keeps
// the Node build the CLI and the tests load; scripts/rebuild-electron-native.mjs writes
// this one beside the compiled app (same path there: ELECTRON_NATIVE_BINDING).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** dist/electron-native/better_sqlite3.node, seen from dist/electron/. */
const BINDING_URL = new URL('../electron-native/better_sqlite3.node', import.meta.url);

export type NativeBinding = { path: string } | { missing: string };

export function electronSqliteBinding(): NativeBinding {
  // A native module cannot be loaded from inside an asar archive; electron-builder.yml
  // unpacks this folder next to it, into app.asar.unpacked.
  const path = fileURLToPath(BINDING_URL).replace(/([\\/])app\.asar([\\/])/, '$1app.asar.unpacked$2');
  return existsSync(path) ? { path } : { missing: path };
}
