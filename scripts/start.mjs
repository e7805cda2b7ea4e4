#!/usr/bin/env node
// `npm start`: builds what is stale, then opens the desktop app on the demo workspace — or,
// where the Electron runtime is not installed (an offline machine, a denied install
// script), says so in one line and starts the browser console instead (`handrail serve
// --open`), passing its output and signals through.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HOW_TO_GET_ELECTRON, electronRuntime } from './electron-runtime.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const runtime = electronRuntime();
const desktop = !('missing' in runtime);

// What the build reads, and what it must have produced for the chosen console.
const SOURCES = ['src', 'renderer', 'tsconfig.json', 'tsconfig.base.json', 'tsconfig.build.json', 'tsconfig.electron.json', 'package.json'];
const OUTPUTS = ['dist/cli/main.js', 'renderer/dist/index.html', ...(desktop ? ['dist/electron/main.js', 'dist/electron/preload.cjs', 'dist/electron/service-process.js'] : [])];

if (isStale()) {
  process.stdout.write('handrail: building (sources changed since the last build)…\n');
  runOrExit(npm, ['run', 'build']);
  const absent = OUTPUTS.filter((path) => !existsSync(join(ROOT, path)));
  if (absent.length > 0) {
    process.stderr.write(`handrail: \`npm run build\` finished but did not produce ${absent.join(', ')}; nothing was started.\n`);
    process.exit(1);
  }
}

if (desktop) {
  runOrExit(process.execPath, [join(ROOT, 'scripts/rebuild-electron-native.mjs')]);
  relay(spawn(runtime.path, [join(ROOT, 'dist/electron/main.js'), ...process.argv.slice(2)], { cwd: ROOT, stdio: 'inherit' }));
} else {
  process.stdout.write(`handrail: the Electron runtime is not installed, so starting the browser console instead (to get the desktop app: ${HOW_TO_GET_ELECTRON}).\n`);
  relay(spawn(process.execPath, [join(ROOT, 'bin/handrail.js'), 'serve', '--open', ...process.argv.slice(2)], { cwd: ROOT, stdio: 'inherit' }));
}

function isStale() {
  const built = OUTPUTS.map((path) => mtimeOf(join(ROOT, path)));
  if (built.some((time) => time === null)) return true;
  const oldestOutput = Math.min(...built);
  return SOURCES.some((path) => newestUnder(join(ROOT, path)) > oldestOutput);
}

/** The newest modification time of a file or of any file under a folder (build output and dependencies left out). */
function newestUnder(path) {
  const own = mtimeOf(path);
  if (own === null) return 0;
  if (!statSync(path).isDirectory()) return own;
  let newest = 0;
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.')) continue;
    newest = Math.max(newest, newestUnder(join(path, entry.name)));
  }
  return newest;
}

function mtimeOf(path) {
  return existsSync(path) ? statSync(path).mtimeMs : null;
}

function runOrExit(command, args) {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) {
    process.stderr.write(`handrail: \`${[command === process.execPath ? 'node' : command, ...args].join(' ')}\` failed (output above); nothing was started.\n`);
    process.exit(result.status ?? 1);
  }
}

/** Passes termination on to the child, and ends as it does (same exit code, or same signal). */
function relay(child) {
  // Ctrl-C in a terminal already reaches the child (same process group); forwarding it too
  // would deliver it twice. Without a terminal, a SIGINT was meant for us: pass it on.
  const forwarded = process.stdin.isTTY ? ['SIGTERM', 'SIGHUP'] : ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const forward = (signal) => child.kill(signal);
  for (const signal of forwarded) process.on(signal, forward);
  if (process.stdin.isTTY) process.on('SIGINT', () => {});
  child.on('error', (error) => {
    process.stderr.write(`handrail: could not start ${child.spawnfile}: ${error.message}\n`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    if (code !== null) process.exit(code);
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
  });
}
