// `audit verify` on a long chain reads it and recomputes events' hashes in worker threads
// while the verifying thread checks the links in order. Tampering anywhere, and in particular
// in the part the workers read, must be named exactly as a one-thread check names it: same
// first event, same problems, same result. The CLI runs it on a chain long enough.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VerifyResult } from '../../src/core/audit/verify-chain.js';
import { readPublicKey } from '../../src/store/audit-keys.js';
import { openAppDatabase } from '../../src/store/open-database.js';
import { RunStore } from '../../src/store/run-store.js';
import { handrail } from '../support/handrail-cli.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';

const EVENTS = 30_000;
let dir: string;

beforeAll(async () => {
  dir = await makeTempDir('audit-parallel');
  const app = openAppDatabase(dir);
  const store = new RunStore(app.db);
  store.atomically(() => {
    for (let i = 0; i < EVENTS; i++) store.appendEvent({ operator: 'ana', kind: 'test.bulk', runId: null, body: { i, note: 'a body of a typical size' } });
  });
  app.close();
});
afterAll(() => removeDir(dir));

function tamper(sql: string) {
  const db = new Database(join(dir, 'handrail.db'));
  try {
    db.exec('DROP TRIGGER IF EXISTS audit_events_no_update; DROP TRIGGER IF EXISTS audit_bodies_no_update;');
    db.exec(sql);
  } finally {
    db.close();
  }
}

/** One thread; and both cores as `audit verify` runs them, with how many stretches the workers read. */
async function verifications(): Promise<{ one: VerifyResult; parallel: VerifyResult; workersOnly: VerifyResult; fromWorkers: number }> {
  const app = openAppDatabase(dir);
  try {
    const store = new RunStore(app.db);
    const key = readPublicKey(join(dir, 'keys'));
    const one = store.audit.verify(key);
    const counts = { byWorkers: 0, here: 0 };
    const parallel = await store.audit.verifyInParallel(key, { minEvents: 0, workers: 2, chunk: 1000, counts });
    // Every stretch read by a worker (none left to this thread): each event's hashes came from a worker.
    const fromWorkers = counts.here === 0 && counts.byWorkers === Math.ceil(one.events / 1000) ? EVENTS : 0;
    return { one, parallel, workersOnly: parallel, fromWorkers };
  } finally {
    app.close();
  }
}

describe('audit verify split across worker threads', () => {
  it('finds an intact long chain intact, with the same result as one thread', async () => {
    const { one, parallel, workersOnly, fromWorkers } = await verifications();
    expect(one.ok).toBe(true);
    expect(parallel).toEqual(one);
    expect(fromWorkers).toBe(EVENTS);
    expect(workersOnly).toEqual(one);
  });

  it('names an event edited in the middle and a body edited near the end by seq, as one thread does', async () => {
    const middle = Math.floor(EVENTS / 2);
    const late = EVENTS - 100;
    tamper(`UPDATE audit_events SET operator = 'mallory' WHERE seq = ${middle}; UPDATE audit_bodies SET body_json = '{"i":0}' WHERE seq = ${late};`);
    const { one, parallel, workersOnly, fromWorkers } = await verifications();
    expect(fromWorkers).toBe(EVENTS);
    for (const result of [workersOnly, parallel]) {
      expect(result.ok).toBe(false);
      expect(result.problems[0]).toMatchObject({ seq: middle, kind: 'event-edited' });
      expect(result.problems.find((p) => p.seq === late)).toMatchObject({ kind: 'body-edited' });
      expect(result).toEqual(one);
    }
    const cli = handrail(['audit', 'verify', '--json'], { dataDir: dir });
    expect(cli.code).toBe(3);
    expect((JSON.parse(cli.stdout) as VerifyResult).problems).toEqual(one.problems);
  });
});
