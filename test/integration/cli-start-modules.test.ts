// Reading commands start without the machinery of a run: listing runs or snapshots must not
// compile the runbook, SQL and shell parsers (one of them wasm), nor load ssh2, pg or zod. Each of
// these costs tens to hundreds of milliseconds at every start, which an operator waits for.
// What the process loaded is read through a module hook, not timed.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO } from '../support/handrail-cli.js';
import { heavyAmong, runLoggingPackages } from '../support/loaded-packages.js';

const scratch = mkdtempSync(join(tmpdir(), 'handrail-start-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('start-up of reading commands', () => {
  it.each([[['runs']], [['snapshots']], [['audit', 'verify']]])('handrail %j loads no parser, wasm grammar, ssh2, pg or zod', (args) => {
    const run = runLoggingPackages(args, { HANDRAIL_DATA_DIR: join(scratch, 'data'), HANDRAIL_WORKSPACE: DEMO, HANDRAIL_OPERATOR: 'tester' });
    expect(run.code, run.stderr).toBe(0);
    expect(run.packages).toContain('better-sqlite3');
    expect(heavyAmong(run.packages)).toEqual([]);
  });
});

// A run on this machine alone loads the runbook's parsers (it judges what it runs) but no client
// for a target it does not have: pg for a PostgreSQL target or a team ledger, ssh2 for SSH.
describe('start-up of a local run', () => {
  it('handrail run of a local shell step loads neither pg, ssh2 nor the SQL parser', () => {
    const workspace = join(scratch, 'local-ws');
    mkdirSync(workspace, { recursive: true });
    writeFileSync(join(workspace, 'handrail.yml'), 'environments:\n  dev:\n    targets: {}\n');
    writeFileSync(join(workspace, 'one.md'), '---\nid: one\ntitle: One\nversion: 1.0.0\n---\n\n## Say\n\n```sh {target=local}\necho said-it\n```\n');
    const run = runLoggingPackages(['run', 'one', '--env', 'dev'], { HANDRAIL_DATA_DIR: join(scratch, 'local-data'), HANDRAIL_WORKSPACE: workspace, HANDRAIL_OPERATOR: 'tester' });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('said-it');
    expect(run.packages.filter((name) => name === 'pg' || name.startsWith('pg-') || name === 'ssh2' || name === 'sql-parser-cst')).toEqual([]);

    // The SQL parser is required on first use: a shell step that sends SQL to sqlite3 needs it,
    // and the log sees it (so its absence above means something).
    writeFileSync(join(workspace, 'sq.md'), '---\nid: sq\ntitle: Sq\nversion: 1.0.0\n---\n\n## Empty t\n\n```sh {target=local}\nsqlite3 /tmp/x.db "DELETE FROM t"\n```\n');
    const judged = runLoggingPackages(['validate', join(workspace, 'sq.md')], { HANDRAIL_DATA_DIR: join(scratch, 'local-data'), HANDRAIL_WORKSPACE: workspace, HANDRAIL_OPERATOR: 'tester' });
    expect(judged.stdout + judged.stderr).toContain('deletes rows');
    expect(judged.packages).toContain('sql-parser-cst');
  });
});
