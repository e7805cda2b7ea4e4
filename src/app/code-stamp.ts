// A verdict kept in the data folder is only as good as the code that reached it: Handrail's
// version, Node's, and the size and time of every file of the judging code and of the
// installed packages' lockfile (npm rewrites it on every install or upgrade of a parser).
// Stat, never read: this runs at every start of a command that keeps a verdict.
import { readdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { appVersion } from '../core/app-version.js';

/** `appFiles`: the names (without extension) of this folder's files the verdict depends on; all of core/ and contract/ always count. */
export async function codeStamp(appFiles: string[]): Promise<string> {
  const root = dirname(dirname(fileURLToPath(import.meta.url)));
  // Both extensions: the CLI runs the built .js, the tests may run the .ts sources.
  const files: string[] = [...appFiles.flatMap((name) => [join(root, 'app', `${name}.js`), join(root, 'app', `${name}.ts`)]), join(dirname(root), 'node_modules', '.package-lock.json')];
  for (const folder of ['core', 'contract']) {
    for (const entry of await readdir(join(root, folder), { recursive: true, withFileTypes: true })) {
      if (entry.isFile()) files.push(join(entry.parentPath, entry.name));
    }
  }
  const stamps = await Promise.all(files.map(async (path) => {
    const info = await stat(path).catch(() => undefined);
    return `${path}:${info ? `${info.size}:${info.mtimeMs}` : 'absent'}`;
  }));
  return [appVersion(), process.version, ...stamps.sort()].join('\n');
}
