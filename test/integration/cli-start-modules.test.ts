// Reading commands start without the machinery of a run: listing runs or snapshots must not
// compile the runbook, SQL and shell parsers (one of them wasm), nor load ssh2 or pg. Each of
// these costs tens to hundreds of milliseconds at every start, which an operator waits for.
// What the process loaded is read through a module hook, not timed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, DEMO } from '../support/handrail-cli.js';

const HEAVY = ['sql-parser-cst', 'web-tree-sitter', 'tree-sitter-bash', 'sh-syntax', 'remark-parse', 'unified', 'micromark', 'yaml', 'ssh2', 'pg', 'diff', 'react'];

const scratch = mkdtempSync(join(tmpdir(), 'handrail-start-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

// A loader hook that appends every module URL the CLI loads to a file.
const hook = join(scratch, 'hook.mjs');
writeFileSync(hook, `import { appendFileSync } from 'node:fs';\nexport async function load(url, context, next) { appendFileSync(process.env.MODULE_LOG, url + '\\n'); return next(url, context); }\n`);
const register = join(scratch, 'register.mjs');
writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hook).href)});\n`);

/** The packages under node_modules that `handrail ARGS` loaded. */
function packagesLoadedBy(args: string[]): string[] {
  const log = join(scratch, `${args.join('-')}.log`);
  writeFileSync(log, '');
  const result = spawnSync(process.execPath, ['--import', pathToFileURL(register).href, BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, MODULE_LOG: log, HANDRAIL_DATA_DIR: join(scratch, 'data'), HANDRAIL_WORKSPACE: DEMO, HANDRAIL_OPERATOR: 'tester' },
  });
  expect(result.status, result.stderr).toBe(0);
  const packages = readFileSync(log, 'utf8')
    .split('\n')
    .map((url) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1])
    .filter((name): name is string => name !== undefined);
  return [...new Set(packages)].sort();
}

describe('start-up of reading commands', () => {
  it.each([[['runs']], [['snapshots']], [['audit', 'verify']]])('handrail %j loads no parser, wasm grammar, ssh2 or pg', (args) => {
    const loaded = packagesLoadedBy(args);
    expect(loaded).toContain('better-sqlite3');
    expect(loaded.filter((name) => HEAVY.some((heavy) => name === heavy || name.startsWith(`${heavy}-`)))).toEqual([]);
  });
});
