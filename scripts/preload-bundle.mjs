// Bundles src/electron/preload.ts into one CommonJS file. A sandboxed preload may require
// only `electron` and a few built-ins (events, timers, url), never a project file, so
// everything it imports is inlined; test/unit/electron-preload.test.ts checks the result.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const PRELOAD_OUTFILE = join(ROOT, 'dist/electron/preload.cjs');

/** Returns the bundle's text; writes it to PRELOAD_OUTFILE (with a source map) when `write`. */
export async function bundlePreload({ write }) {
  const result = await build({
    entryPoints: [join(ROOT, 'src/electron/preload.ts')],
    outfile: PRELOAD_OUTFILE,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    // It runs in Electron's renderer, on Electron's Chromium, not on this machine's Node.
    target: `chrome${chromeOf(createRequire(import.meta.url)('electron/package.json').version)}`,
    external: ['electron'],
    sourcemap: write ? 'linked' : false,
    write,
    logLevel: 'silent',
  });
  if (write) return null;
  const file = result.outputFiles.find((output) => output.path.endsWith('.cjs'));
  return file ? file.text : '';
}

/** A floor for esbuild's syntax lowering: Electron 28 shipped Chromium 120, and each major since has moved it by two. */
function chromeOf(electronVersion) {
  const major = Number(electronVersion.split('.')[0]);
  return Number.isFinite(major) && major >= 28 ? 120 + (major - 28) * 2 : 120;
}
