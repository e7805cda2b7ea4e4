// The snapshot promise, through the CLI: no step that changes a database runs without a
// verified copy taken in the same run, and one action brings it back.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { handrail, runIdOf, showRun, type CliOptions } from '../support/handrail-cli.js';
import { startPostgres, type PgHandle } from '../support/postgres.js';

const root = mkdtempSync(join(tmpdir(), 'handrail-snap-'));
const workspace = join(root, 'ws');
const dbPath = join(root, 'shop.db');
let cli: CliOptions;
let n = 0;

interface SnapshotRow {
  id: string;
  path: string;
  reason: string;
  runId: string | null;
  step: number | null;
  sha256: string;
}

mkdirSync(workspace);
const writeInventory = (pgUrl = 'postgres://nobody@127.0.0.1:1/none') =>
  writeFileSync(
    join(workspace, 'handrail.yml'),
    `environments:\n  dev:\n    targets:\n      shop: { sqlite: ${JSON.stringify(dbPath)} }\n      pg: { postgres: "${pgUrl}", password-env: TEST_PG_PASSWORD }\n`,
  );
writeInventory();
writeFileSync(
  join(workspace, 'purge.md'),
  "---\nid: purge\ntitle: Purge old orders\nversion: 1.0.0\n---\n\n## Purge\n\n```sql {target=shop mutates}\nDELETE FROM orders WHERE id <= 3;\n```\n\n## Check\n\n```sql {target=shop expect-rows=2}\nSELECT id FROM orders;\n```\n",
);
writeFileSync(
  join(workspace, 'pg-purge.md'),
  "---\nid: pg-purge\ntitle: Purge on PostgreSQL\nversion: 1.0.0\n---\n\n## Purge\n\n```sql {target=pg mutates expect-rows=3}\nDELETE FROM orders WHERE id <= 3;\n```\n",
);

const orders = (path = dbPath) => {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare('SELECT id, item FROM orders ORDER BY id').all();
  } finally {
    db.close();
  }
};
const snapshots = () => JSON.parse(handrail(['snapshots', '--json'], cli).stdout) as SnapshotRow[];
const FIVE = [1, 2, 3, 4, 5].map((id) => ({ id, item: `item-${id}` }));

beforeEach(() => {
  cli = { dataDir: join(root, `data-${++n}`), workspace };
  rmSync(dbPath, { force: true });
  const db = new Database(dbPath);
  db.exec("CREATE TABLE orders (id INTEGER PRIMARY KEY, item TEXT); INSERT INTO orders (item) VALUES ('item-1'), ('item-2'), ('item-3'), ('item-4'), ('item-5');");
  db.close();
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('SQLite', () => {
  it('snapshots the database before the mutating step; the copy holds exactly the data before it', () => {
    const result = handrail(['run', 'purge', '--env', 'dev'], cli);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/snapshot of shop: verified, .* sha256 [0-9a-f]{16}/);
    expect(orders()).toEqual(FIVE.slice(3));
    const [snap] = snapshots();
    expect(snap).toMatchObject({ reason: 'step', runId: runIdOf(result.stdout), step: 0 });
    expect(orders(snap?.path)).toEqual(FIVE);
  });

  it('restores a snapshot, after taking one of the state it replaces', () => {
    handrail(['run', 'purge', '--env', 'dev'], cli);
    const [taken] = snapshots();
    const refused = handrail(['restore', taken?.id ?? ''], cli);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('pass --yes to go ahead; nothing was changed');
    expect(orders()).toEqual(FIVE.slice(3));

    const restored = handrail(['restore', taken?.id ?? '', '--yes'], cli);
    expect(restored.code, restored.stderr).toBe(0);
    expect(orders()).toEqual(FIVE);
    const pre = snapshots().find((s) => s.reason === 'pre-restore');
    expect(pre).toBeDefined();
    expect(orders(pre?.path)).toEqual(FIVE.slice(3));
  });

  it('refuses to restore a snapshot file with one flipped byte', () => {
    handrail(['run', 'purge', '--env', 'dev'], cli);
    const [taken] = snapshots();
    const bytes = readFileSync(taken?.path ?? '');
    bytes[bytes.length >> 1] = (bytes[bytes.length >> 1] ?? 0) ^ 0x01;
    writeFileSync(taken?.path ?? '', bytes);
    const result = handrail(['restore', taken?.id ?? '', '--yes'], cli);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('has changed since it was taken');
    expect(result.stderr).toContain('it was not restored; nothing was changed');
    expect(orders()).toEqual(FIVE.slice(3));
  });

  it('does not run the mutating step when the snapshot cannot be written', () => {
    mkdirSync(cli.dataDir, { recursive: true });
    writeFileSync(join(cli.dataDir, 'snapshots'), 'a file where the snapshot folder should be\n');
    const result = handrail(['run', 'purge', '--env', 'dev'], cli);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('FAILED at step 1: the snapshot of shop failed');
    expect(result.stdout).toContain('the step was not run and nothing was changed');
    expect(orders()).toEqual(FIVE);
    const shown = showRun(runIdOf(result.stdout), cli);
    expect(shown.steps.map((s) => [s.status, s.attempt])).toEqual([
      ['failed', 0],
      ['pending', 0],
    ]);
  });

  it('refuses before writing anything when the disk has not 1.2× the database free', (ctx) => {
    const small = join(root, `tiny-${n}`);
    mkdirSync(small);
    const mount = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', small]);
    if (mount.status !== 0) {
      ctx.skip(`needs root to mount a small tmpfs: ${mount.stderr.toString().trim()}`);
      return;
    }
    try {
      const db = new Database(dbPath);
      db.exec(`INSERT INTO orders (item) SELECT hex(randomblob(500)) FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3000) SELECT x FROM c);`);
      db.close();
      const result = handrail(['run', 'purge', '--env', 'dev'], { ...cli, dataDir: small });
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/not enough free space for it in .*: .* free, .* needed \(1\.2 × the database's/);
      expect(orders()).toHaveLength(3005);
    } finally {
      spawnSync('umount', [small]);
    }
  });
});

describe('PostgreSQL', () => {
  let pg: PgHandle;
  beforeAll(async () => {
    pg = await startPostgres();
    writeInventory(pg.url);
  }, 60_000);
  afterAll(async () => {
    writeInventory();
    await pg?.stop();
  });

  it('dumps the database before a mutating step, and restores it', async () => {
    await pg.psql("DROP TABLE IF EXISTS orders; CREATE TABLE orders (id int PRIMARY KEY, item text); INSERT INTO orders SELECT g, 'item-' || g FROM generate_series(1, 5) g;");
    const env = { TEST_PG_PASSWORD: pg.password };
    const result = handrail(['run', 'pg-purge', '--env', 'dev'], { ...cli, env });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(await pg.psql('SELECT count(*) FROM orders')).toBe('2');
    const [snap] = snapshots();
    expect(snap?.path).toMatch(/\.dump$/);
    const restored = handrail(['restore', snap?.id ?? '', '--yes'], { ...cli, env });
    expect(restored.code, restored.stderr).toBe(0);
    expect(await pg.psql('SELECT string_agg(item, \',\' ORDER BY id) FROM orders')).toBe('item-1,item-2,item-3,item-4,item-5');
  });

  it('rolls back a mutating step whose expectation fails', async () => {
    await pg.psql("DROP TABLE IF EXISTS orders; CREATE TABLE orders (id int PRIMARY KEY, item text); INSERT INTO orders SELECT g, 'item-' || g FROM generate_series(1, 9) g;");
    const result = handrail(['run', 'pg-purge', '--env', 'dev'], { ...cli, env: { TEST_PG_PASSWORD: pg.password } });
    expect(result.code).toBe(0); // 3 rows deleted, as expected
    // Now only two of the rows it deletes exist: the expectation fails and nothing may change.
    await pg.psql("INSERT INTO orders VALUES (1, 'item-1'), (2, 'item-2')");
    const again = handrail(['run', 'pg-purge', '--env', 'dev'], { ...cli, env: { TEST_PG_PASSWORD: pg.password } });
    expect(again.code).toBe(1);
    expect(again.stdout).toContain('the statement changed 2 rows (expected 3); the transaction was rolled back, nothing changed');
    expect(await pg.psql('SELECT count(*) FROM orders WHERE id <= 3')).toBe('2');
  });
});

describe('retention', () => {
  it('deletes old snapshots (file and listing), records it, and keeps those of open runs', () => {
    handrail(['run', 'purge', '--env', 'dev'], cli);
    handrail(['snapshot', 'shop', '--env', 'dev'], cli);
    const [manual, ofRun] = snapshots();
    // Age both past keep-days (14 by default); the run's is kept only while its run is open.
    const db = new Database(join(cli.dataDir, 'handrail.db'));
    db.prepare("UPDATE snapshots SET created_at = '2026-01-01T00:00:00.000Z'").run();
    db.prepare("UPDATE runs SET status = 'interrupted'").run();
    db.close();

    const result = handrail(['snapshot', 'shop', '--env', 'dev'], cli);
    expect(result.code, result.stderr).toBe(0);
    const left = snapshots().map((s) => s.id);
    expect(left).not.toContain(manual?.id);
    expect(left).toContain(ofRun?.id);
    expect(() => readFileSync(manual?.path ?? '')).toThrow(/ENOENT/);
    const events = new Database(join(cli.dataDir, 'handrail.db'), { readonly: true });
    try {
      const deleted = events.prepare("SELECT body_json FROM events WHERE kind = 'snapshot.deleted'").pluck().all() as string[];
      expect(deleted.map((b) => (JSON.parse(b) as { snapshot: string }).snapshot)).toEqual([manual?.id]);
    } finally {
      events.close();
    }
  });
});
