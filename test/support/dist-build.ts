// Vitest globalSetup for the integration, fault and end-to-end projects. Those tests spawn
// bin/handrail.js, which runs the compiled dist/, not src/: after an edit under src/, a test
// run without a rebuild would quietly test the old code. So compile dist/ first whenever
// anything under src/ is newer than everything under it. Only the tsc part of `npm run
// build` is needed here; the desktop app's own code (src/electron, built into dist/electron
// by scripts/build-electron.mjs) is left to the suites that start the desktop app.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '../..');
const SRC = join(ROOT, 'src');
const DIST = join(ROOT, 'dist');
/** Built by another tsconfig, so neither side of it says anything about tsconfig.build.json's output. */
const ELECTRON = new Set([join(SRC, 'electron'), join(DIST, 'electron')]);
const TSC = createRequire(import.meta.url).resolve('typescript/bin/tsc');

/** The newest modification time under `path`, folders included (a deleted file changes its folder's). */
export function newestMtime(path: string, skip: ReadonlySet<string> = new Set()): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const name of readdirSync(path)) {
    const child = join(path, name);
    if (!skip.has(child)) newest = Math.max(newest, newestMtime(child, skip));
  }
  return newest;
}

/** Compiles src/ into dist/ when dist/ is missing or older than src/; says so in one line. */
export function ensureDistBuilt(): void {
  const sources = newestMtime(SRC, ELECTRON);
  if (existsSync(DIST) && newestMtime(DIST, ELECTRON) >= sources) return;
  process.stdout.write(`dist/ is ${existsSync(DIST) ? 'older than src/' : 'missing'}: compiling it (tsc -p tsconfig.build.json) before the tests that run the CLI\n`);
  const result = spawnSync(process.execPath, [TSC, '-p', join(ROOT, 'tsconfig.build.json')], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`Compiling src/ into dist/ failed (tsc -p tsconfig.build.json), so the CLI cannot be tested; fix the errors below and run again.\n${result.stdout}${result.stderr}`);
  }
  // `handrail serve` loads the console server from this bundle of dist/ (while it is newer than dist/).
  const bundled = spawnSync(process.execPath, [join(ROOT, 'scripts/bundle-console.mjs')], { cwd: ROOT, encoding: 'utf8' });
  if (bundled.status !== 0) throw new Error(`Bundling the console server (scripts/bundle-console.mjs) failed; fix the errors below and run again.\n${bundled.stdout}${bundled.stderr}`);
}

export default function setup(): void {
  ensureDistBuilt();
}
