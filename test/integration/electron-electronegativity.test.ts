// scripts/electronegativity.mjs (run by `npm test`) passes on the desktop app's code, fails
// on a deliberately insecure main naming each finding's place, and refuses an accepted
// finding that no longer exists (it could hide a new one). All offline.
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, removeDir } from '../support/temp-dir.js';

const ROOT = join(import.meta.dirname, '../..');
const SCRIPT = join(ROOT, 'scripts/electronegativity.mjs');

function electronegativity(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [SCRIPT, ...args], { cwd: ROOT, encoding: 'utf8' }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
    });
  });
}

// Concurrent: each scan spends ~3 s loading parsers, and the scans are independent.
describe.concurrent('Electronegativity', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await makeTempDir('eng');
  });
  afterAll(() => removeDir(dir));

  it('passes on src/electron, every accepted finding with its reason in .electronegativity.json', async () => {
    const result = await electronegativity([]);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/src\/electron passes/);
    expect(result.code).toBe(0);
  });

  it('fails on an insecure main, naming each finding above LOW with its file and line', async () => {
    const result = await electronegativity(['--input', 'test/fixtures/electron-bad']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/test\/fixtures\/electron-bad\/main\.ts:7:\d+: CONTEXT_ISOLATION_JS_CHECK \(HIGH/);
    expect(result.stderr).toMatch(/main\.ts:7:\d+: SANDBOX_JS_CHECK/);
    expect(result.stderr).toMatch(/main\.ts:7:\d+: WEB_SECURITY_JS_CHECK/);
    expect(result.stderr).toMatch(/test\/fixtures\/electron-bad: LIMIT_NAVIGATION_GLOBAL_CHECK \(HIGH/);
  });

  it('fails when an accepted finding no longer matches anything', async () => {
    const config = JSON.parse(readFileSync(join(ROOT, '.electronegativity.json'), 'utf8')) as { accepted: object[] };
    config.accepted.push({ id: 'WEB_SECURITY_JS_CHECK', file: 'src/electron/main.ts', reason: 'a stale entry left behind after a fix was made' });
    const stale = join(dir, 'stale.json');
    writeFileSync(stale, JSON.stringify(config));
    const result = await electronegativity(['--config', stale]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/accepted WEB_SECURITY_JS_CHECK in src\/electron\/main\.ts no longer matches a finding/);
  });

  it('refuses an accepted finding without a written reason', async () => {
    const config = JSON.parse(readFileSync(join(ROOT, '.electronegativity.json'), 'utf8')) as { accepted: object[] };
    config.accepted.push({ id: 'WEB_SECURITY_JS_CHECK', file: 'src/electron/main.ts' });
    const unexplained = join(dir, 'unexplained.json');
    writeFileSync(unexplained, JSON.stringify(config));
    const result = await electronegativity(['--config', unexplained]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/every entry needs a written reason/);
  });
});
