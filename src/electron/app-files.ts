// Maps an app:// request to a file of the built renderer, refusing anything outside it.
// Pure, so the traversal cases are tested without Electron (test/unit/electron-app-files.test.ts).
import { extname, join, normalize, sep } from 'node:path';
import { isAppUrl } from './app-origin.js';

export type AppFile = { file: string } | { status: 400 | 403 | 404; reason: string };

/**
 * The file under `root` that `requestUrl` names. A path without an extension is a view of
 * the single-page app and gets index.html; `..`, encoded separators and NUL bytes never
 * leave `root`.
 */
export function resolveAppFile(requestUrl: string, root: string): AppFile {
  if (!isAppUrl(requestUrl)) return { status: 403, reason: 'not the app origin' };
  let path: string;
  try {
    path = decodeURIComponent(new URL(requestUrl).pathname);
  } catch {
    return { status: 400, reason: 'malformed path' };
  }
  if (path.includes('\0') || path.includes('\\')) return { status: 400, reason: 'malformed path' };
  const relative = normalize(path).replace(/^[/\\]+/, '');
  if (relative === '' || relative === '.') return { file: join(root, 'index.html') };
  if (relative.split(/[/\\]/).includes('..')) return { status: 403, reason: 'outside the app' };
  const file = join(root, relative);
  if (!file.startsWith(root.endsWith(sep) ? root : root + sep)) return { status: 403, reason: 'outside the app' };
  return extname(relative) === '' ? { file: join(root, 'index.html') } : { file };
}
