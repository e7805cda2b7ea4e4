// Hostile steps against `handrail plan --rehearse` on SQLite: a step's own SQL tries to leave
// the rehearsal's copy (end the step's savepoint, then ATTACH the real file or VACUUM INTO a
// new one) or to lift a read step's read-only guard. The real database must stay byte for
// byte what it was, no file may appear, and the rehearsal must say the step fails, as a run
// (one BEGIN IMMEDIATE transaction, read-only for a read step) would.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import { handrail, type CliOptions } from '../support/handrail-cli.js';

const root = mkdtempSync(join(tmpdir(), 'handrail-rehearse-escape-'));
const workspace = join(root, 'ws');
const dbFolder = join(root, 'db');
const dbPath = join(dbFolder, 'shop.db');
const planted = join(root, 'planted.db');
const scratch = join(root, 'tmp');
let n = 0;

mkdirSync(workspace);
mkdirSync(dbFolder);
mkdirSync(scratch);
writeFileSync(join(workspace, 'handrail.yml'), `environments:\n  dev:\n    targets:\n      shop: { sqlite: ${JSON.stringify(dbPath)} }\n`);

const runbook = (id: string, sql: string, attributes = 'mutates') =>
  writeFileSync(join(workspace, `${id}.md`), `---\nid: ${id}\ntitle: ${id}\nversion: 1.0.0\n---\n\n## Step\n\n\`\`\`sql {target=shop ${attributes}}\n${sql}\n\`\`\`\n`);

const quoted = (path: string) => `'${path.replace(/'/g, "''")}'`;
runbook('attach-real', `RELEASE handrail_rehearsal_step;\nATTACH ${quoted(dbPath)} AS real;\nDELETE FROM real.orders;`);
runbook('attach-real-plain', `ATTACH ${quoted(dbPath)} AS real;\nDELETE FROM real.orders;`);
runbook('vacuum-into', `RELEASE handrail_rehearsal_step;\nVACUUM INTO ${quoted(planted)};`);
runbook('release-then-write', 'RELEASE handrail_rehearsal_step;\nDELETE FROM orders;');
runbook('read-lifts-guard', 'PRAGMA query_only = OFF;\nDELETE FROM orders;\nSELECT id FROM orders;', 'expect-rows=0');

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const cli = (): CliOptions => ({ dataDir: join(root, `data-${++n}`), workspace, env: { TMPDIR: scratch } });
const count = () => {
  const db = new Database(dbPath, { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM orders').get() as { n: number }).n;
  } finally {
    db.close();
  }
};

beforeEach(() => {
  rmSync(dbPath, { force: true });
  rmSync(planted, { force: true });
  const db = new Database(dbPath);
  db.exec("CREATE TABLE orders (id INTEGER PRIMARY KEY, item TEXT); INSERT INTO orders (item) VALUES ('a'), ('b'), ('c');");
  db.close();
});

describe('plan --rehearse on SQLite against a step that tries to leave its copy', () => {
  const why: Record<string, string> = {
    'attach-real': 'no such savepoint: handrail_rehearsal_step',
    'attach-real-plain': 'ATTACH opens another database file (it could be the real one)',
  };
  for (const [id, reason] of Object.entries(why)) {
    it(`${id}: the real database is not touched and the step is reported as failing`, () => {
      const before = sha256(dbPath);
      const files = readdirSync(dbFolder).sort();
      const result = handrail(['plan', id, '--env', 'dev', '--rehearse'], cli());
      expect(count()).toBe(3);
      expect(sha256(dbPath)).toBe(before);
      expect(readdirSync(dbFolder).sort()).toEqual(files);
      expect(result.stdout).toContain('Step 1: FAILED');
      expect(result.stdout).toContain(reason);
      expect(result.code).toBe(1);
      expect(readdirSync(scratch)).toEqual([]);
    });
  }

  it('VACUUM INTO writes no file outside the copy', () => {
    const result = handrail(['plan', 'vacuum-into', '--env', 'dev', '--rehearse'], cli());
    expect(existsSync(planted)).toBe(false);
    expect(result.stdout).toContain('Step 1: FAILED');
    expect(result.code).toBe(1);
  });

  it('a read step that turns query_only off is refused before anything runs (held: the validator wants mutates)', () => {
    const before = sha256(dbPath);
    const result = handrail(['plan', 'read-lifts-guard', '--env', 'dev', '--rehearse'], cli());
    expect(sha256(dbPath)).toBe(before);
    expect(result.stderr).toContain('this SQL changes a setting (PRAGMA … =) but the step is not marked mutates');
    expect(result.code).toBe(2);
  });

  it('a step that releases its own savepoint and then writes does not reach the real database (the copy stays one transaction)', () => {
    const before = sha256(dbPath);
    const result = handrail(['plan', 'release-then-write', '--env', 'dev', '--rehearse'], cli());
    expect(sha256(dbPath)).toBe(before);
    expect(result.stdout).toContain('Step 1: FAILED');
    expect(result.stdout).toContain('no such savepoint: handrail_rehearsal_step');
    expect(result.code).toBe(1);
  });
});
