import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SqlExecutor, SqlRequest } from '../../src/core/engine/ports.js';
import { createSqliteExecutor } from '../../src/targets/sqlite-target.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';

/** Minutes of work for SQLite, done inside one sqlite3_step: only killing its process stops it. */
const ENDLESS = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000000) SELECT count(*) FROM c';

function request(sql: string, overrides: Partial<SqlRequest> = {}): SqlRequest {
  return { sql, params: {}, mode: 'read', signal: new AbortController().signal, maxRows: 100, ...overrides };
}

describe('SQLite executor', () => {
  let dir: string;
  let path: string;
  let sqlite: SqlExecutor;

  beforeAll(async () => {
    dir = await makeTempDir('sqlt');
  });
  afterAll(async () => {
    await removeDir(dir);
  });

  beforeEach(() => {
    path = join(dir, `events-${Math.random().toString(36).slice(2)}.db`);
    const db = new Database(path);
    db.exec(`CREATE TABLE events (id INTEGER PRIMARY KEY, pilot TEXT NOT NULL, note TEXT);
             INSERT INTO events (pilot, note) VALUES ('ada', 'first'), ('grace', NULL);`);
    db.close();
    sqlite = createSqliteExecutor(path);
  });
  afterEach(async () => {
    await sqlite.close();
  });

  const count = (where = '1 = 1'): number => {
    const db = new Database(path, { readonly: true });
    try {
      return (db.prepare(`SELECT count(*) AS n FROM events WHERE ${where}`).get() as { n: number }).n;
    } finally {
      db.close();
    }
  };

  it('returns columns, rows and the row count of a read', async () => {
    const result = await sqlite.run(request('SELECT id, pilot, note FROM events ORDER BY id'));
    expect(result.columns).toEqual(['id', 'pilot', 'note']);
    expect(result.rows).toEqual([
      [1, 'ada', 'first'],
      [2, 'grace', null],
    ]);
    expect(result).toMatchObject({ rowCount: 2, returnsRows: true, committed: false });
  });

  it('refuses a write in read mode with SQLite\'s own message and leaves the data alone', async () => {
    await expect(sqlite.run(request("DELETE FROM events WHERE pilot = 'ada'"))).rejects.toThrow(
      /attempt to write a readonly database.*read-only.*nothing was changed/,
    );
    expect(count()).toBe(2);
  });

  it('commits a write when accept returns true and reports rows changed', async () => {
    const seen: number[] = [];
    const result = await sqlite.run(
      request("UPDATE events SET note = 'checked'; DELETE FROM events WHERE pilot = 'grace'", {
        mode: 'write',
        accept: (r) => {
          seen.push(r.rowCount);
          return true;
        },
      }),
    );
    expect(seen).toEqual([3]);
    expect(result).toMatchObject({ returnsRows: false, rowCount: 3, committed: true });
    expect(count("note = 'checked'")).toBe(1);
    expect(count()).toBe(1);
  });

  it('rolls a write back when accept returns false', async () => {
    const result = await sqlite.run(request("DELETE FROM events WHERE pilot = 'ada'", { mode: 'write', accept: () => false }));
    expect(result).toMatchObject({ rowCount: 1, committed: false });
    expect(count("pilot = 'ada'")).toBe(1);
  });

  it('rolls back every statement when a later one fails, and names it', async () => {
    const failing = request('DELETE FROM events; INSERT INTO no_such_table VALUES (1)', { mode: 'write', accept: () => true });
    await expect(sqlite.run(failing)).rejects.toThrow(/Statement 2 failed: .*no such table: no_such_table.*rolled back, nothing was committed/);
    expect(count()).toBe(2);
  });

  it('binds inputs as values, so an injection attempt is stored and compared literally', async () => {
    const evil = "x'); DROP TABLE events; --";
    const insert = await sqlite.run(
      request('INSERT INTO events (pilot) VALUES (:pilot) RETURNING pilot', { mode: 'write', params: { pilot: evil, unused: 1 }, accept: () => true }),
    );
    expect(insert.rows).toEqual([[evil]]);
    const found = await sqlite.run(request('SELECT count(*) AS n FROM events WHERE pilot = :pilot OR note = :pilot', { params: { pilot: evil } }));
    expect(found.rows).toEqual([[1]]);
    expect(count()).toBe(3);
  });

  it('binds whole numbers as INTEGER and booleans as 1 and 0', async () => {
    const result = await sqlite.run(
      request('SELECT typeof(:n), typeof(:r), :yes, :no FROM events LIMIT :n', { params: { n: 1, r: 1.5, yes: true, no: false } }),
    );
    expect(result.rows).toEqual([['integer', 'real', 1, 0]]);
  });

  it('refuses SQL that uses an input the run does not have, before running anything', async () => {
    await expect(sqlite.run(request('DELETE FROM events WHERE pilot = :who', { mode: 'write' }))).rejects.toThrow(
      /uses :who, but the run has no input named "who"; nothing was run/,
    );
    expect(count()).toBe(2);
  });

  it('refuses a COMMIT inside the step, which would bypass the expectations', async () => {
    await expect(sqlite.run(request('DELETE FROM events; COMMIT', { mode: 'write', accept: () => false }))).rejects.toThrow(
      /Statement 2 \(COMMIT\) controls the transaction itself/,
    );
    expect(count()).toBe(2);
  });

  it('keeps at most maxRows rows while counting all of them', async () => {
    const sql = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 5000) SELECT x FROM c';
    const result = await sqlite.run(request(sql, { maxRows: 10 }));
    expect(result.rowCount).toBe(5000);
    expect(result.rows).toHaveLength(10);
    expect(result.rows[9]).toEqual([10]);
  });

  it('stops a query at its timeout, reports it, and serves the next request', async () => {
    await expect(sqlite.run(request(ENDLESS, { timeoutMs: 200 }))).rejects.toThrow(
      /ran longer than its 200 ms timeout .* worker process was killed\) and nothing was changed/,
    );
    const next = await sqlite.run(request('SELECT count(*) FROM events'));
    expect(next.rows).toEqual([[2]]);
  });

  it('rolls back a write stopped at its timeout, so the next read-only step can open the database', async () => {
    const seed = new Database(path);
    // About 20 MB of changes: far more than SQLite's page cache, so they spill into the file and
    // the kill leaves a hot journal that only a read-write connection can roll back.
    seed.exec(`CREATE TABLE bulk (v TEXT);
               WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100000)
               INSERT INTO bulk SELECT hex(randomblob(100)) FROM c;`);
    seed.close();
    const sql = `DELETE FROM events; UPDATE bulk SET v = v || 'x'; ${ENDLESS}`;
    await expect(sqlite.run(request(sql, { mode: 'write', timeoutMs: 1000, accept: () => true }))).rejects.toThrow(
      /ran longer than its 1000 ms timeout .* nothing was committed\.$/,
    );
    const read = await sqlite.run(request("SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM bulk WHERE v LIKE '%x')"));
    expect(read.rows).toEqual([[2, 0]]);
    expect(count()).toBe(2);
  });

  it('keeps the event loop running during a long query, and abort stops it', async () => {
    const controller = new AbortController();
    let ticks = 0;
    // The abort comes from the timer itself: it can fire only if the event loop is free.
    const interval = setInterval(() => {
      if (++ticks === 20) controller.abort();
    }, 5);
    try {
      await expect(sqlite.run(request(ENDLESS, { signal: controller.signal }))).rejects.toThrow(/aborted by the operator/);
    } finally {
      clearInterval(interval);
    }
    expect(ticks).toBeGreaterThanOrEqual(20);
  });

  it('reports a missing database without creating it, in read and in write mode', async () => {
    const missing = join(dir, 'no-such.db');
    const executor = createSqliteExecutor(missing);
    try {
      for (const mode of ['read', 'write'] as const) {
        await expect(executor.run(request('SELECT 1', { mode }))).rejects.toThrow(`The SQLite database ${missing} does not exist; nothing was run`);
      }
    } finally {
      await executor.close();
    }
    expect(existsSync(missing)).toBe(false);
  });
});
