#!/usr/bin/env node
// `npm run dev`: the quick loop while editing. Two watchers side by side:
// - tsc -w keeps dist/ compiled from src/, so the CLI (bin/handrail.js runs dist/) and any
//   integration test you run by hand see your edit; its lines are prefixed `dist:`;
// - Vitest watches the unit project and re-runs the tests your edit touches (its own keys:
//   `a` all, `f` failed, `q` quit).
// Quitting either one (q, Ctrl-C) stops the other, so no watcher is left behind.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const tscBin = require.resolve('typescript/bin/tsc');
const vitestBin = join(dirname(require.resolve('vitest/package.json')), 'vitest.mjs');

const tsc = spawn(process.execPath, [tscBin, '-p', 'tsconfig.build.json', '--watch', '--preserveWatchOutput'], {
  cwd: ROOT,
  stdio: ['ignore', 'pipe', 'inherit'],
});
createInterface({ input: tsc.stdout }).on('line', (line) => {
  if (line.trim() !== '') process.stdout.write(`dist: ${line}\n`);
});

const vitest = spawn(process.execPath, [vitestBin, '--project', 'unit'], { cwd: ROOT, stdio: 'inherit' });

let stopping = false;
function stop(code) {
  if (stopping) return;
  stopping = true;
  for (const child of [tsc, vitest]) if (child.exitCode === null) child.kill('SIGTERM');
  process.exitCode = code ?? 0;
}
tsc.on('exit', (code) => stop(code));
vitest.on('exit', (code) => stop(code));
// Ctrl-C reaches both children (same process group); this only keeps the script from dying first.
process.on('SIGINT', () => stop(130));
process.on('SIGTERM', () => stop(143));
