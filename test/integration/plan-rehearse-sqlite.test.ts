// `handrail plan --rehearse` on a SQLite target: the SQL steps run in order on a copy made as
// a snapshot is, each seeing the effects of the ones before; rows per statement and the
// expect-rows verdicts are reported; a failure is named and the exit code says so; and the
// database file is byte for byte what it was, with no copy left behind.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Rehearsal } from '../../src/contract/plan.js';
import { handrail, type CliOptions } from '../support/handrail-cli.js';

const root = mkdtempSync(join(tmpdir(), 'handrail-rehearse-'));
const workspace = join(root, 'ws');
const dbFolder = join(root, 'db');
const dbPath = join(dbFolder, 'shop.db');
const scratch = join(root, 'tmp');
let n = 0;

mkdirSync(workspace);
mkdirSync(dbFolder);
mkdirSync(scratch);
writeFileSync(join(workspace, 'handrail.yml'), `environments:\n  dev:\n    targets:\n      shop: { sqlite: ${JSON.stringify(dbPath)} }\n      app: local\n`);

const runbook = (id: string, steps: string[]) =>
  writeFileSync(join(workspace, `${id}.md`), [`---\nid: ${id}\ntitle: ${id}\nversion: 1.0.0\ninputs:\n  upto:\n    type: number\n    default: 3\n---\n`, ...steps].join('\n'));

runbook('tidy', [
  "## Drop the old ones and mark the rest\n\n```sql {target=shop mutates}\nDELETE FROM orders WHERE id <= :upto;\nUPDATE orders SET item = item || '-kept';\n```\n",
  '## Two are left\n\n```sql {target=shop expect-rows=2}\nSELECT id FROM orders;\n```\n',
  "## Remove one that was marked\n\n```sql {target=shop mutates expect-rows=1}\nDELETE FROM orders WHERE item = 'item-4-kept';\n```\n",
  '## Tell someone\n\n```sh {target=app}\necho done\n```\n',
  '## Five are left (they are not)\n\n```sql {target=shop expect-rows=5}\nSELECT id FROM orders;\n```\n',
  '## Never reached\n\n```sql {target=shop}\nSELECT 1;\n```\n',
]);
runbook('broken', [
  '## Delete, then write to a table that is not there\n\n```sql {target=shop mutates}\nDELETE FROM orders WHERE id = 1;\nINSERT INTO no_such_table VALUES (1);\n```\n',
  '## Count\n\n```sql {target=shop expect-rows=5}\nSELECT id FROM orders;\n```\n',
]);

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const cli = (): CliOptions => ({ dataDir: join(root, `data-${++n}`), workspace, env: { TMPDIR: scratch } });

beforeEach(() => {
  rmSync(dbPath, { force: true });
  const db = new Database(dbPath);
  db.pragma('journal_mode = WAL');
  db.exec("CREATE TABLE orders (id INTEGER PRIMARY KEY, item TEXT); INSERT INTO orders (item) VALUES ('item-1'), ('item-2'), ('item-3'), ('item-4'), ('item-5');");
  db.close();
});

describe('plan --rehearse on SQLite', () => {
  it('reports rows per statement, carries each step into the next, judges expect-rows, and stops where a run would', () => {
    const before = sha256(dbPath);
    const files = readdirSync(dbFolder).sort();
    const result = handrail(['plan', 'tidy', '--env', 'dev', '--rehearse'], cli());
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    const out = result.stdout;
    expect(out).toContain('Step 1 of 6: Drop the old ones and mark the rest');
    expect(out).toContain(`shop (SQLite): rehearsed on a copy of ${dbPath} made as a snapshot is; the database itself was only read; the copy was in a temporary folder, deleted afterwards.`);
    expect(out).toContain('  Step 1: rehearsed, 5 rows\n    statement 1 (DELETE FROM orders WHERE id <= :upto): 3 rows affected\n    statement 2 (UPDATE orders SET item = item || \'-kept\'): 2 rows affected');
    expect(out).toContain('  Step 2: rehearsed, 2 rows; expect-rows=2 holds');
    expect(out).toContain('  Step 3: rehearsed, 1 row; expect-rows=1 holds');
    expect(out).toContain('  Step 4: not rehearsed: sh steps are never run in a rehearsal');
    expect(out).toContain('  Step 5: FAILED: expect-rows=5 would not hold: 1 row; a run would stop here');
    expect(out).toContain('  Step 6: a run would stop at step 5');
    expect(out).toContain('Rehearsal: a run would stop at the step marked FAILED.');
    // The database is byte for byte what it was, no file was added beside it, no copy left.
    expect(sha256(dbPath)).toBe(before);
    expect(readdirSync(dbFolder).sort()).toEqual(files);
    expect(readdirSync(scratch)).toEqual([]);
  });

  it('gives the same in JSON, beside the plan', () => {
    const result = handrail(['plan', 'tidy', '--env', 'dev', '--rehearse', '--json', '--input', 'upto=1'], cli());
    expect(result.code).toBe(1);
    const { rehearsal } = JSON.parse(result.stdout) as { rehearsal: Rehearsal };
    expect(rehearsal.ok).toBe(false);
    expect(rehearsal.steps.map((s) => [s.number, s.status, s.rowCount, s.expectRowsHolds])).toEqual([
      [1, 'rehearsed', 5, undefined],
      [2, 'failed', 4, false],
      [3, 'not-rehearsed', undefined, undefined],
      [4, 'not-rehearsed', undefined, undefined],
      [5, 'not-rehearsed', undefined, undefined],
      [6, 'not-rehearsed', undefined, undefined],
    ]);
    expect(rehearsal.steps[0]?.statements.map((s) => s.rows)).toEqual([1, 4]);
  });

  it('names a statement that fails, still prints the plan, undoes the step, and exits 1; the database is unchanged', () => {
    const before = sha256(dbPath);
    const result = handrail(['plan', 'broken', '--env', 'dev', '--rehearse'], cli());
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('End of plan.');
    expect(result.stdout).toContain('    statement 1 (DELETE FROM orders WHERE id = 1): 1 row affected');
    expect(result.stdout).toContain('    statement 2 (INSERT INTO no_such_table VALUES (1)): failed: no such table: no_such_table');
    expect(result.stdout).toMatch(/Step 1: FAILED: statement 2 failed on the copy: no such table: no_such_table; the step's changes were undone/);
    expect(result.stdout).toContain('  Step 2: a run would stop at step 1');
    expect(sha256(dbPath)).toBe(before);
    expect(readdirSync(scratch)).toEqual([]);
  });

  it('succeeds (exit 0) when every statement runs and every expect-rows holds', () => {
    runbook('ok', ['## Delete\n\n```sql {target=shop mutates expect-rows=3}\nDELETE FROM orders WHERE id <= :upto;\n```\n', '## Count\n\n```sql {target=shop expect-rows=2}\nSELECT id FROM orders;\n```\n']);
    const before = sha256(dbPath);
    const result = handrail(['plan', 'ok', '--env', 'dev', '--rehearse'], cli());
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Rehearsal: every statement ran and every expect-rows held.');
    expect(sha256(dbPath)).toBe(before);
  });
});
