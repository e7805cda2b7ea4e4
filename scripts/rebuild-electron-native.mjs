#!/usr/bin/env node
// Builds better-sqlite3 for the installed Electron's ABI into dist/electron-native/, beside
// (never instead of) the Node build in node_modules that the CLI and the tests load. The
// desktop app passes this file to better-sqlite3's `nativeBinding` option (docs/ARCHITECTURE.md,
// "Native module ABI"), so `npm test` and `npm start` never fight over one binary.
//
//   node scripts/rebuild-electron-native.mjs [--force]
//
// It downloads a prebuilt binary for Electron (prebuild-install) or, failing that, compiles
// one against Electron's headers (node-gyp); both need network access the first time. The
// work happens in a temporary copy of the package, so node_modules is never touched.
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { HOW_TO_GET_ELECTRON, electronRuntime } from './electron-runtime.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
// Same path as src/electron/native-binding.ts reads.
const BINDING = join(ROOT, 'dist/electron-native/better_sqlite3.node');
const STAMP = join(ROOT, 'dist/electron-native/better_sqlite3.json');

const require = createRequire(import.meta.url);
const { values } = parseArgs({ options: { force: { type: 'boolean', default: false } }, strict: true });

const runtime = electronRuntime();
if ('missing' in runtime) {
  process.stderr.write(`rebuild-electron-native: the Electron runtime is not installed (${runtime.missing}), so there is nothing to build better-sqlite3 for. Nothing was built or changed. To get it: ${HOW_TO_GET_ELECTRON}.\n`);
  process.exit(1);
}

const sqlitePackageDir = dirname(require.resolve('better-sqlite3/package.json'));
const wanted = { electron: runtime.version, betterSqlite3: JSON.parse(readFileSync(join(sqlitePackageDir, 'package.json'), 'utf8')).version, platform: process.platform, arch: process.arch };
if (!values.force && isCurrent(wanted)) {
  process.stdout.write(`rebuild-electron-native: ${BINDING} is already built for Electron ${wanted.electron} (better-sqlite3 ${wanted.betterSqlite3}).\n`);
  process.exit(0);
}

const work = mkdtempSync(join(tmpdir(), 'handrail-electron-native-'));
try {
  const copy = join(work, 'better-sqlite3');
  cpSync(sqlitePackageDir, copy, { recursive: true, filter: (source) => !source.startsWith(join(sqlitePackageDir, 'build')) });
  const built = join(copy, 'build/Release/better_sqlite3.node');
  if (!prebuilt(copy) && !compiled(copy)) {
    fail('neither a prebuilt binary could be downloaded nor one compiled (output above); check network access and a C++ toolchain (python3, make, g++)');
  }
  if (!existsSync(built)) fail(`the build reported success but left no ${built}`);
  verify(built);
  mkdirSync(dirname(BINDING), { recursive: true });
  // Copy next to the target, then rename: a half-written addon is never left in place.
  copyFileSync(built, `${BINDING}.tmp`);
  renameSync(`${BINDING}.tmp`, BINDING);
  writeFileSync(STAMP, `${JSON.stringify(wanted, null, 2)}\n`);
  process.stdout.write(`rebuild-electron-native: built ${BINDING} for Electron ${wanted.electron}.\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}

function isCurrent(expected) {
  try {
    const stamp = JSON.parse(readFileSync(STAMP, 'utf8'));
    return existsSync(BINDING) && Object.entries(expected).every(([key, value]) => stamp[key] === value);
  } catch {
    return false;
  }
}

function prebuilt(dir) {
  const bin = createRequire(join(sqlitePackageDir, 'package.json')).resolve('prebuild-install/bin.js');
  const args = [bin, '--runtime', 'electron', '--target', runtime.version, '--arch', process.arch, '--platform', process.platform, '--verbose'];
  return spawnSync(process.execPath, args, { cwd: dir, stdio: 'inherit' }).status === 0;
}

function compiled(dir) {
  // npm sets npm_config_node_gyp to its bundled node-gyp when it runs a script.
  const nodeGyp = process.env.npm_config_node_gyp;
  if (!nodeGyp) {
    process.stderr.write('rebuild-electron-native: no node-gyp to compile with (run this through `npm run`, which provides npm\'s own).\n');
    return false;
  }
  const args = [nodeGyp, 'rebuild', '--release', `--target=${runtime.version}`, '--runtime=electron', '--dist-url=https://electronjs.org/headers'];
  return spawnSync(process.execPath, args, { cwd: dir, stdio: 'inherit' }).status === 0;
}

/** Loads the new addon in Electron itself (as Node) and runs a query: proof it fits Electron's ABI. */
function verify(addon) {
  const probe = `const Database = require(${JSON.stringify(join(sqlitePackageDir, 'lib/index.js'))}); const db = new Database(':memory:', { nativeBinding: ${JSON.stringify(addon)} }); db.prepare('select sqlite_version() as v').get(); db.close();`;
  const result = spawnSync(runtime.path, ['-e', probe], { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, encoding: 'utf8' });
  if (result.status !== 0) fail(`the new addon does not load in Electron ${runtime.version}: ${(result.stderr || result.error?.message || '').trim().split('\n')[0]}`);
}

function fail(why) {
  process.stderr.write(`rebuild-electron-native: ${why}. ${BINDING} was not changed.\n`);
  rmSync(work, { recursive: true, force: true });
  process.exit(1);
}
