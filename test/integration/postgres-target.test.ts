import { inspect } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SqlExecutor, SqlRequest } from '../../src/core/engine/ports.js';
import { createPostgresExecutor } from '../../src/targets/postgres-target.js';
import { freePort } from '../support/free-port.js';
import { type PgHandle, startPostgres } from '../support/postgres.js';

function request(sql: string, overrides: Partial<SqlRequest> = {}): SqlRequest {
  return { sql, params: {}, mode: 'read', signal: new AbortController().signal, maxRows: 100, ...overrides };
}

describe('PostgreSQL executor', () => {
  let pg: PgHandle;
  let postgres: SqlExecutor;

  beforeAll(async () => {
    pg = await startPostgres();
    postgres = createPostgresExecutor({ url: pg.url, password: pg.password });
  });
  afterAll(async () => {
    await postgres?.close();
    await pg?.stop();
  });
  beforeEach(async () => {
    await pg.psql(`DROP TABLE IF EXISTS events;
                   CREATE TABLE events (id serial PRIMARY KEY, pilot text NOT NULL, at timestamptz DEFAULT '2024-05-01 12:00Z');
                   INSERT INTO events (pilot) VALUES ('ada'), ('grace');`);
  });

  const count = async (where = 'true'): Promise<number> => Number(await pg.psql(`SELECT count(*) FROM events WHERE ${where}`));

  it('returns columns and rows, numbers as numbers and other types as PostgreSQL prints them', async () => {
    const result = await postgres.run(
      request("SET LOCAL TimeZone = 'UTC'; SELECT id, pilot, at, count(*) OVER () AS n, 1.50::numeric AS price, true AS ok FROM events ORDER BY id"),
    );
    expect(result.columns).toEqual(['id', 'pilot', 'at', 'n', 'price', 'ok']);
    expect(result.rows).toEqual([
      [1, 'ada', '2024-05-01 12:00:00+00', 2, '1.50', true],
      [2, 'grace', '2024-05-01 12:00:00+00', 2, '1.50', true],
    ]);
    expect(result).toMatchObject({ rowCount: 2, returnsRows: true, committed: false });
  });

  it('runs a read step in a READ ONLY transaction, so it cannot write', async () => {
    await expect(postgres.run(request("DELETE FROM events WHERE pilot = 'ada'"))).rejects.toThrow(
      /Statement 1 failed on PostgreSQL at 127\.0\.0\.1:\d+, database app: cannot execute DELETE in a read-only transaction \(SQLSTATE 25006\)\..*READ ONLY.*nothing was changed/,
    );
    expect(await count()).toBe(2);
  });

  it('commits a write only when accept returns true', async () => {
    const rejected = await postgres.run(request("DELETE FROM events WHERE pilot = 'ada'", { mode: 'write', accept: () => false }));
    expect(rejected).toMatchObject({ returnsRows: false, rowCount: 1, committed: false });
    expect(await count()).toBe(2);

    const seen: number[] = [];
    const accepted = await postgres.run(
      request("DELETE FROM events WHERE pilot = 'ada'", {
        mode: 'write',
        accept: (r) => {
          seen.push(r.rowCount);
          return true;
        },
      }),
    );
    expect(seen).toEqual([1]);
    expect(accepted.committed).toBe(true);
    expect(await count()).toBe(1);
  });

  it('binds inputs as values, so an injection attempt is stored and compared literally', async () => {
    const evil = "x'); DROP TABLE events; --";
    const inserted = await postgres.run(
      request('INSERT INTO events (pilot) VALUES (:pilot) RETURNING pilot', { mode: 'write', params: { pilot: evil, other: 'unused' }, accept: () => true }),
    );
    expect(inserted.rows).toEqual([[evil]]);
    expect(await count(`pilot = 'x''); DROP TABLE events; --'`)).toBe(1);
    expect(await count()).toBe(3);
  });

  it('runs several statements with parameters in one transaction, rolling all back when one fails', async () => {
    const sql = `UPDATE events SET pilot = :to WHERE pilot = :from;
                 INSERT INTO events (pilot) VALUES (:to);
                 SELECT pilot, count(*) FROM events WHERE pilot = :to GROUP BY pilot`;
    const result = await postgres.run(request(sql, { mode: 'write', params: { from: 'ada', to: 'lovelace' }, accept: () => true }));
    expect(result.rows).toEqual([['lovelace', 2]]);
    expect(await count("pilot = 'lovelace'")).toBe(2);

    const failing = request("DELETE FROM events; INSERT INTO events (pilot) VALUES (NULL)", { mode: 'write', accept: () => true });
    await expect(postgres.run(failing)).rejects.toThrow(/Statement 2 failed on .*null value in column "pilot".*\(SQLSTATE 23502\); the transaction was rolled back, nothing was committed/);
    expect(await count()).toBe(3);
  });

  it('limits each statement with statement_timeout from timeoutMs', async () => {
    const running = postgres.run(request('SELECT pg_sleep(30)', { timeoutMs: 300 }));
    await expect(running).rejects.toThrow(/ran longer than its 300 ms timeout/);
    // The server-side limit applies on its own too: SET LOCAL, so only inside the step.
    const setting = await postgres.run(request('SHOW statement_timeout', { timeoutMs: 4_000 }));
    expect(setting.rows).toEqual([['4s']]);
    const after = await postgres.run(request('SHOW statement_timeout'));
    expect(after.rows).toEqual([['0']]);
  });

  it('cancels a running statement on abort and rolls back its transaction', async () => {
    const controller = new AbortController();
    const running = postgres.run(request("DELETE FROM events; SELECT pg_sleep(30)", { mode: 'write', signal: controller.signal, accept: () => true }));
    await waitFor(async () => (await pg.psql("SELECT count(*) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(30)'")) === '1');
    controller.abort();
    await expect(running).rejects.toThrow(/aborted by the operator on .*; the statement was cancelled, and the transaction was rolled back, nothing was committed/);
    expect(await count()).toBe(2);
    await waitFor(async () => (await pg.psql("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'handrail'")) === '0');
  });

  it('refuses a COMMIT inside the step', async () => {
    await expect(postgres.run(request('DELETE FROM events; COMMIT', { mode: 'write', accept: () => false }))).rejects.toThrow(
      /Statement 2 \(COMMIT\) controls the transaction itself/,
    );
    expect(await count()).toBe(2);
  });

  it('names the server and hides the password when the password is wrong', async () => {
    const wrongPassword = 'not-the-password-7f3a';
    const wrong = createPostgresExecutor({ url: pg.url, password: wrongPassword });
    const error = await wrong.run(request('SELECT 1')).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toBe(
      `Could not connect to PostgreSQL at 127.0.0.1:${pg.port}, database app as postgres: password authentication failed for user "postgres" ` +
        '(check the password configured for this target); nothing was run.',
    );
    expect(inspect(error, { depth: 10 })).not.toContain(wrongPassword);
    await wrong.close();
  });

  it('says so when the server asks for a password and none is configured', async () => {
    const none = createPostgresExecutor({ url: pg.url });
    await expect(none.run(request('SELECT 1'))).rejects.toThrow(/asks for a password and none is configured/);
  });

  it('names the address when nothing listens there', async () => {
    const port = await freePort('127.0.0.1');
    const nowhere = createPostgresExecutor({ url: `postgres://postgres@127.0.0.1:${port}/app`, password: pg.password });
    await expect(nowhere.run(request('SELECT 1'))).rejects.toThrow(
      `Could not connect to PostgreSQL at 127.0.0.1:${port}, database app as postgres: connection refused`,
    );
  });
});

async function waitFor(condition: () => Promise<boolean>, tries = 200, intervalMs = 25): Promise<void> {
  for (let attempt = 0; attempt < tries; attempt++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error('waitFor: condition not met');
}
