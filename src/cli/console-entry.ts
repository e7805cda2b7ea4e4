// Which file `handrail serve` loads the console server from. `npm run build` bundles the
// server's modules from dist/ into dist/server-bundle/ (scripts/bundle-console.mjs): a few
// files instead of ~250 for Node's module loader, which cost a third of the console's
// start-up. The bundle is used only while every file it was made from is older than it or
// still has the bytes it was made from (a build step may rewrite dist/ unchanged), so a
// dist/ recompiled without it (`tsc -w`, a bare `tsc`) is never shadowed by older code; then
// the server's own entry point in dist/ is loaded as it is.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';

const BUNDLE = new URL('../server-bundle/console-main.js', import.meta.url);
const INPUTS = new URL('../server-bundle/inputs.json', import.meta.url);
const UNBUNDLED = new URL('../server/console-main.js', import.meta.url);
/** The package's folder, which inputs.json names its files from. */
const PACKAGE = new URL('../../', import.meta.url);

interface Input {
  path: string;
  sha256: string;
}

export function consoleEntry(): URL {
  try {
    const made = statSync(BUNDLE).mtimeMs;
    const inputs = JSON.parse(readFileSync(INPUTS, 'utf8')) as unknown;
    if (!Array.isArray(inputs) || inputs.length === 0) return UNBUNDLED;
    for (const input of inputs as Input[]) {
      const file = new URL(input.path, PACKAGE);
      if (statSync(file).mtimeMs <= made) continue;
      // Newer: fine only if its bytes are the ones bundled.
      if (createHash('sha256').update(readFileSync(file)).digest('hex') !== input.sha256) return UNBUNDLED;
    }
    return BUNDLE;
  } catch {
    // No bundle (not built, or a file it was made from is gone) or an unreadable list: dist/ as tsc wrote it.
    return UNBUNDLED;
  }
}
