#!/usr/bin/env node
// Builds the desktop app's code into dist/electron/: main and the service process with tsc
// (tsconfig.electron.json, checked against the electron package's types), then the preload
// bundled into one CommonJS file, dist/electron/preload.cjs (scripts/preload-bundle.mjs).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundlePreload } from './preload-bundle.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const tscBin = createRequire(import.meta.url).resolve('typescript/bin/tsc');

const tsc = spawnSync(process.execPath, [tscBin, '-p', join(ROOT, 'tsconfig.electron.json')], { stdio: 'inherit' });
if (tsc.status !== 0) {
  process.stderr.write('build-electron: `tsc -p tsconfig.electron.json` failed (errors above); dist/electron/ may be partly updated. Fix them and run it again.\n');
  process.exit(tsc.status ?? 1);
}
try {
  await bundlePreload({ write: true });
} catch (error) {
  process.stderr.write(`build-electron: bundling src/electron/preload.ts failed; dist/electron/preload.cjs is unchanged.\n${error.message}\n`);
  process.exit(1);
}
