// Snapshot files and their rows: a file is kept under its final name only with a row that
// knows it; leftovers of killed snapshots go on every command that takes or restores one,
// `resume` included; a file no row knows is reported, never silently left nor deleted; and
// a snapshots folder on a full disk is named as such.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { handrail, runIdOf, type CliOptions } from '../support/handrail-cli.js';
import { mountSmallDisk, reportSkip } from '../support/small-disk.js';

const root = mkdtempSync(join(tmpdir(), 'handrail-snapbook-'));
const workspace = join(root, 'ws');
const shop = join(root, 'shop.db');
const flag = join(root, 'flag');
mkdirSync(workspace);
writeFileSync(join(workspace, 'handrail.yml'), `environments:\n  dev:\n    targets:\n      shop: { sqlite: ${JSON.stringify(shop)} }\n`);
writeFileSync(
  join(workspace, 'purge.md'),
  '---\nid: purge\ntitle: Purge\nversion: 1.0.0\n---\n\n## Delete old orders\n\n```sql {target=shop mutates=shop}\nDELETE FROM orders WHERE id > 2;\n```\n',
);
// Fails until the flag file exists: a failed run to resume.
writeFileSync(join(workspace, 'flagged.md'), `---\nid: flagged\ntitle: Flagged\nversion: 1.0.0\n---\n\n## Check\n\n\`\`\`sh {target=local}\ntest -f ${flag}\n\`\`\`\n`);
const BUG = /This is a bug|internal error/;

let cli: CliOptions;
let n = 0;
beforeEach(() => {
  cli = { dataDir: join(root, `data-${++n}`), workspace };
  rmSync(shop, { force: true });
  const db = new Database(shop);
  db.exec("CREATE TABLE orders (id INTEGER PRIMARY KEY, item TEXT); INSERT INTO orders VALUES (1, 'a'), (2, 'b'), (3, 'c'), (4, 'd'), (5, 'e');");
  db.close();
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const snapshotsDir = () => join(cli.dataDir, 'snapshots');
function app(sql: string): unknown[] {
  const db = new Database(join(cli.dataDir, 'handrail.db'));
  try {
    return sql.trimStart().startsWith('SELECT') ? db.prepare(sql).all() : (db.exec(sql), []);
  } finally {
    db.close();
  }
}

describe('snapshot files and rows', () => {
  it('a snapshot file no row knows is reported by `snapshots`, `snapshot` and `resume`, and kept', () => {
    const taken = handrail(['snapshot', 'shop', '--env', 'dev'], cli);
    expect(taken.code, taken.stderr).toBe(0);
    const [file] = readdirSync(snapshotsDir());
    // A copy published under a final name whose row was never written (what a process killed between the two leaves).
    const orphan = join(snapshotsDir(), `2026-01-01T00-00-00-000Z-shop.sqlite`);
    copyFileSync(join(snapshotsDir(), file ?? ''), orphan);

    const message = new RegExp(`unrecorded snapshot file ${orphan.replaceAll('.', '\\.')}, \\d+\\.\\d MB: not deleted`);
    const list = handrail(['snapshots'], cli);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stderr).toMatch(message);
    expect(list.stdout).not.toContain(basename(orphan));

    const again = handrail(['snapshot', 'shop', '--env', 'dev'], cli);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(message);
    expect(existsSync(orphan)).toBe(true);
  });

  it('resume removes the leftovers of a killed snapshot (and records it), as run and snapshot do', () => {
    rmSync(flag, { force: true });
    const failed = handrail(['run', 'flagged', '--env', 'dev', '--yes'], cli);
    expect(failed.code).toBe(1);
    const id = runIdOf(failed.stdout);
    mkdirSync(snapshotsDir(), { recursive: true });
    // pid 2^22+1 is above Linux's pid_max default: no such process, so a leftover.
    const partial = join(snapshotsDir(), '2026-01-01T00-00-00-000Z-shop.sqlite.partial-4194305-abcdef');
    writeFileSync(partial, 'half a copy');
    writeFileSync(flag, '');

    const resumed = handrail(['resume', id, '--yes'], cli);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(existsSync(partial)).toBe(false);
    const events = app("SELECT body_json FROM events WHERE kind = 'snapshot.leftovers-removed'") as { body_json: string }[];
    expect(events.map((e) => JSON.parse(e.body_json) as { paths: string[] })).toEqual([{ paths: [partial] }]);
  });

  it('a snapshot whose row cannot be written does not stay under its final name (`snapshot` and a run)', () => {
    expect(handrail(['runs'], cli).code).toBe(0); // creates the data folder
    app("CREATE TRIGGER no_row BEFORE INSERT ON snapshots BEGIN SELECT RAISE(ABORT, 'the snapshot row cannot be written'); END;");

    const taken = handrail(['snapshot', 'shop', '--env', 'dev'], cli);
    expect(taken.stderr).not.toMatch(BUG);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toContain('the snapshot row cannot be written');
    expect(readdirSync(snapshotsDir())).toEqual([]);

    const run = handrail(['run', 'purge', '--env', 'dev', '--yes'], cli);
    expect(run.code).not.toBe(0);
    expect(readdirSync(snapshotsDir())).toEqual([]);
    const rows = new Database(shop, { readonly: true });
    expect(rows.prepare('SELECT count(*) FROM orders').pluck().get()).toBe(5);
    rows.close();
  });
});

describe('the snapshots folder on a full disk', () => {
  const dataDir = join(root, 'data-full-snapshots');
  const disk = mountSmallDisk(8, join(dataDir, 'snapshots'));
  reportSkip('snapshots folder on a full disk', disk);
  afterAll(() => disk.remove());

  it.skipIf(disk.unavailable !== undefined)('snapshot and a mutating run say there is no room for the snapshot; nothing runs, nothing is left', () => {
    cli = { dataDir, workspace };
    disk.fill();
    const taken = handrail(['snapshot', 'shop', '--env', 'dev'], cli);
    expect(taken.stderr).not.toMatch(BUG);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toMatch(/the snapshot of shop was not taken: not enough free space for it in .*snapshots: 0\.0 MB free/);

    const run = handrail(['run', 'purge', '--env', 'dev', '--yes'], cli);
    expect(run.stderr).not.toMatch(BUG);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/the snapshot of shop failed: not enough free space/);
    const rows = new Database(shop, { readonly: true });
    expect(rows.prepare('SELECT count(*) FROM orders').pluck().get()).toBe(5);
    rows.close();
    expect(readdirSync(snapshotsDir()).filter((name) => name !== '.test-filler')).toEqual([]);
  });
});
