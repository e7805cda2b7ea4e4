// SQLite snapshots of a database other processes keep using: a writer committing one row per
// millisecond throughout the snapshot, and restore into a database that is open elsewhere.
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteSnapshotProvider } from '../../src/targets/snapshot/sqlite-snapshot.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';

const never = new AbortController().signal;
const betterSqlite3 = createRequire(import.meta.url).resolve('better-sqlite3');
let dir: string;
let writer: ChildProcess | undefined;

beforeEach(async () => {
  dir = await makeTempDir('snaplive');
});
afterEach(async () => {
  writer?.kill('SIGKILL');
  writer = undefined;
  await removeDir(dir);
});

function makeDatabase(path: string, journal: 'wal' | 'delete', padMb: number): void {
  const db = new Database(path);
  db.pragma(`journal_mode = ${journal}`);
  // meta's page comes first in the file and seq's new pages last, so a copy that is not of
  // one moment (read front to back while a commit lands) shows meta.v behind max(seq.id).
  db.exec("CREATE TABLE meta(k TEXT PRIMARY KEY, v INTEGER); INSERT INTO meta VALUES ('last', 0); CREATE TABLE seq(id INTEGER PRIMARY KEY); CREATE TABLE pad(b BLOB)");
  db.prepare('WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ?) INSERT INTO pad SELECT randomblob(1000) FROM c').run(padMb * 1049);
  db.close();
}

/** Another process committing ids 1, 2, 3, … (and meta.v = id) one per millisecond, until killed. */
function startWriter(path: string): Promise<void> {
  const script = `
    const db = new (require(process.argv[1]))(process.argv[2]);
    db.pragma('busy_timeout = 30000');
    const insert = db.prepare('INSERT INTO seq(id) VALUES (?)');
    const mark = db.prepare("UPDATE meta SET v = ? WHERE k = 'last'");
    const commit = db.transaction((id) => { insert.run(id); mark.run(id); });
    let id = 0;
    const tick = () => { commit(++id); if (id === 50) process.stdout.write('writing\\n'); setTimeout(tick, 1); };
    tick();`;
  writer = spawn(process.execPath, ['-e', script, betterSqlite3, path], { stdio: ['ignore', 'pipe', 'inherit'] });
  const started = writer;
  return new Promise((resolve, reject) => {
    started.stdout?.once('data', () => resolve());
    started.once('exit', (code) => reject(new Error(`writer exited early (${code})`)));
  });
}

function ids(path: string): { count: number; min: number | null; max: number | null; last: number } {
  const db = new Database(path, { readonly: true });
  db.pragma('busy_timeout = 30000');
  try {
    const row = db.prepare("SELECT count(*) AS count, min(id) AS min, max(id) AS max, (SELECT v FROM meta WHERE k = 'last') AS last FROM seq").get();
    return row as { count: number; min: number; max: number; last: number };
  } finally {
    db.close();
  }
}

function integrity(path: string): string {
  const db = new Database(path, { readonly: true });
  db.pragma('busy_timeout = 30000');
  try {
    return db.pragma('integrity_check', { simple: true }) as string;
  } finally {
    db.close();
  }
}

describe('SQLite snapshot of a database that is being written', () => {
  it.each(['wal', 'delete'] as const)('%s mode: the copy is the state as of one moment (ids 1..N, no gaps)', async (journal) => {
    const db = join(dir, 'live.db');
    makeDatabase(db, journal, 40);
    await startWriter(db);

    const result = await createSqliteSnapshotProvider(db, { busyTimeoutMs: 30_000 }).take({ path: join(dir, 'live.sqlite'), signal: never });

    const copy = ids(result.path);
    expect(copy.min).toBe(1);
    expect(copy.count).toBe(copy.max);
    expect(copy.last).toBe(copy.max);
    // The writer was running before and goes on after: the copy caught it mid-stream.
    expect(copy.count).toBeGreaterThanOrEqual(50);
    await waitFor(() => (ids(db).max ?? 0) >= (copy.max ?? 0) + 50);
    writer?.kill('SIGKILL');
    expect(integrity(result.path)).toBe('ok');
    expect(integrity(db)).toBe('ok');
  });
});

describe('SQLite restore', () => {
  it.each(['wal', 'delete'] as const)('%s mode: brings back the old content, seen by a connection that stayed open', async (journal) => {
    const db = join(dir, 'app.db');
    makeDatabase(db, journal, 1);
    const setup = new Database(db);
    setup.exec("CREATE TABLE t(x TEXT); INSERT INTO t VALUES ('before-1'), ('before-2')");
    setup.close();
    const provider = createSqliteSnapshotProvider(db);
    const snapshot = await provider.take({ path: join(dir, 'before.sqlite'), signal: never });

    const reader = new Database(db, { readonly: true });
    const change = new Database(db);
    change.exec("DELETE FROM t; INSERT INTO t VALUES ('after'); CREATE TABLE extra(y); DELETE FROM pad");
    change.close();
    expect(reader.prepare('SELECT x FROM t').pluck().all()).toEqual(['after']);

    const progress: number[] = [];
    await provider.restore(snapshot.path, never, (done) => progress.push(done));

    expect(reader.prepare('SELECT x FROM t ORDER BY x').pluck().all()).toEqual(['before-1', 'before-2']);
    expect(reader.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'extra'").pluck().get()).toBe(0);
    expect(reader.prepare('SELECT count(*) FROM pad').pluck().get()).toBe(1049);
    expect(reader.pragma('journal_mode', { simple: true })).toBe(journal);
    reader.close();
    expect(integrity(db)).toBe('ok');
    expect(progress.length).toBeGreaterThan(0);
  });

  it('refuses while another process holds a write transaction, within its busy timeout, and changes nothing', async () => {
    const db = join(dir, 'app.db');
    makeDatabase(db, 'wal', 1);
    const provider = createSqliteSnapshotProvider(db, { busyTimeoutMs: 300 });
    const snapshot = await provider.take({ path: join(dir, 'before.sqlite'), signal: never });
    const holder = new Database(db);
    holder.exec('BEGIN IMMEDIATE; INSERT INTO seq VALUES (42)');

    const error = await provider.restore(snapshot.path, never).then(() => undefined, (e: unknown) => e as Error);

    expect(error?.message).toMatch(/^Restoring SQLite database .*app\.db from .*before\.sqlite was refused: another process kept the database locked for more than 300 ms/);
    expect(error?.message).toContain('Nothing was restored: the database is unchanged.');
    holder.exec('COMMIT');
    expect(holder.prepare('SELECT id FROM seq').pluck().all()).toEqual([42]);
    holder.close();
  });

  it('stops when aborted and leaves the database as it was', async () => {
    const db = join(dir, 'app.db');
    makeDatabase(db, 'delete', 1);
    const provider = createSqliteSnapshotProvider(db);
    const snapshot = await provider.take({ path: join(dir, 'before.sqlite'), signal: never });
    const change = new Database(db);
    change.exec('INSERT INTO seq VALUES (7)');
    change.close();

    const aborted = new AbortController();
    aborted.abort();
    await expect(provider.restore(snapshot.path, aborted.signal)).rejects.toThrow(/was aborted .*Nothing was restored: the database is unchanged\./);
    expect(ids(db).max).toBe(7);
  });
});

async function waitFor(condition: () => boolean, tries = 400, intervalMs = 25): Promise<void> {
  for (let attempt = 0; attempt < tries; attempt++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error('waitFor: condition not met');
}
