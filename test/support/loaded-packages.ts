// Which packages a `handrail` process loaded, read through a module loader hook (not timed):
// start-up tests assert that a command does not load what it does not use.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BIN } from './handrail-cli.js';

/** Parsers, wasm grammars, network clients, the schema library: none belongs in a command that does not use it. */
export const HEAVY_PACKAGES = ['sql-parser-cst', 'web-tree-sitter', 'tree-sitter-bash', 'sh-syntax', 'remark-parse', 'unified', 'micromark', 'yaml', 'ssh2', 'pg', 'diff', 'react', 'zod'];

export function heavyAmong(packages: string[]): string[] {
  return packages.filter((name) => HEAVY_PACKAGES.some((heavy) => name === heavy || name.startsWith(`${heavy}-`)));
}

let registerUrl: string | undefined;

function hookRegistration(): string {
  if (registerUrl) return registerUrl;
  const dir = mkdtempSync(join(tmpdir(), 'handrail-module-hook-'));
  const hook = join(dir, 'hook.mjs');
  writeFileSync(hook, `import { appendFileSync } from 'node:fs';\nexport async function load(url, context, next) { appendFileSync(process.env.MODULE_LOG, url + '\\n'); return next(url, context); }\n`);
  const register = join(dir, 'register.mjs');
  // The loader hook sees ES modules; a package required lazily (createRequire) goes through
  // CommonJS resolution instead, which is logged here so that it counts too.
  writeFileSync(
    register,
    `import { appendFileSync } from 'node:fs';\nimport Module, { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hook).href)});\n` +
      `const resolve = Module._resolveFilename;\nModule._resolveFilename = function (...args) { const file = resolve.apply(this, args); appendFileSync(process.env.MODULE_LOG, file + '\\n'); return file; };\n`,
  );
  registerUrl = pathToFileURL(register).href;
  return registerUrl;
}

export interface LoadedRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Package names under node_modules, sorted, each once. */
  packages: string[];
}

/** Runs `handrail ARGS` with `env` and returns its output and the packages it loaded. */
export function runLoggingPackages(args: string[], env: Record<string, string>, cwd = tmpdir()): LoadedRun {
  const log = join(mkdtempSync(join(tmpdir(), 'handrail-module-log-')), 'modules.log');
  writeFileSync(log, '');
  const result = spawnSync(process.execPath, ['--import', hookRegistration(), BIN, ...args], { encoding: 'utf8', cwd, env: { ...process.env, ...env, MODULE_LOG: log } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, packages: packagesIn(log) };
}

/**
 * For a long-lived process (the console server, which `handrail serve` starts as a child):
 * environment variables that make every Node process started with them log what it loads,
 * and the packages logged so far.
 */
export function moduleLog(): { env: Record<string, string>; packages: () => string[] } {
  const log = join(mkdtempSync(join(tmpdir(), 'handrail-module-log-')), 'modules.log');
  writeFileSync(log, '');
  return { env: { NODE_OPTIONS: `--import=${hookRegistration()}`, MODULE_LOG: log }, packages: () => packagesIn(log) };
}

function packagesIn(log: string): string[] {
  const packages = readFileSync(log, 'utf8')
    .split('\n')
    .map((url) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1])
    .filter((name): name is string => name !== undefined);
  return [...new Set(packages)].sort();
}
