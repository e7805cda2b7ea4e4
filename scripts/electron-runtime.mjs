// Is the Electron runtime (the binary, not just the npm package) installed? The electron
// package downloads it in its install script; where that script is denied or the machine
// is offline, `require('electron')` throws "Electron failed to install correctly".
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** `{ path, version }` of the installed Electron binary, or `{ missing }` saying why there is none. */
export function electronRuntime() {
  let version = null;
  try {
    version = JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version;
    const path = require('electron');
    if (typeof path === 'string' && existsSync(path)) return { path, version };
    return { missing: `the electron package (${version}) names ${String(path)}, which does not exist` };
  } catch (error) {
    return { missing: version ? `the electron package (${version}) has no runtime: ${error.message}` : 'the electron package is not installed' };
  }
}

/** One line on how to get the runtime, for messages. */
export const HOW_TO_GET_ELECTRON =
  'with network access, allow electron\'s install script (`"electron": true` under allowScripts in package.json) and run `npm rebuild electron`, or run `npm install electron`';
