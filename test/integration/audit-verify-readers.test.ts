// `audit verify` on a long chain reads it on worker threads, each a share of the stretches,
// and hands the verifying thread only what needs its attention. A forgery must be found and
// named the same wherever it sits: inside either worker's stretch, on the last event of a
// stretch, on the first event of the next (whose link is checked across the edge), as a row
// deleted, a body removed, two events swapped, or a checkpoint rewritten.
import { copyFileSync, cpSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventHash } from '../../src/core/audit/chain-hash.js';
import { toStoredEvent, type AuditEventRow } from '../../src/core/audit/event-row.js';
import type { VerifyResult } from '../../src/core/audit/verify-chain.js';
import { readPublicKey } from '../../src/store/audit-keys.js';
import { openAppDatabase } from '../../src/store/open-database.js';
import { RunStore } from '../../src/store/run-store.js';
import { handrail } from '../support/handrail-cli.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';

const EVENTS = 30_000;
/** Not a multiple of the checkpoint interval, so stretch edges fall on ordinary events. */
const CHUNK = 1536;
const STRETCHES = Math.ceil((EVENTS + 1) / CHUNK);
let pristine: string;
const dirs: string[] = [];

beforeAll(async () => {
  pristine = await makeTempDir('audit-readers');
  const app = openAppDatabase(pristine);
  const store = new RunStore(app.db);
  store.atomically(() => {
    for (let i = 0; i < EVENTS; i++) store.appendEvent({ operator: 'ana', kind: 'test.bulk', runId: null, body: { i, note: 'a body of a typical size' } });
  });
  app.db.pragma('wal_checkpoint(TRUNCATE)');
  app.close();
});
afterAll(async () => {
  for (const dir of [pristine, ...dirs]) await removeDir(dir);
});

/** A copy of the pristine data directory, tampered with by `sql` (run with the guards dropped). */
async function tampered(tamper: (db: Database.Database) => void): Promise<string> {
  const dir = await makeTempDir('audit-readers-copy');
  dirs.push(dir);
  copyFileSync(join(pristine, 'handrail.db'), join(dir, 'handrail.db'));
  cpSync(join(pristine, 'keys'), join(dir, 'keys'), { recursive: true });
  const db = new Database(join(dir, 'handrail.db'));
  try {
    db.exec(`DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete; DROP TRIGGER audit_checkpoints_no_update;`);
    tamper(db);
  } finally {
    db.close();
  }
  return dir;
}

async function verifications(dir: string): Promise<{ one: VerifyResult; parallel: VerifyResult; counts: { byWorkers: number; here: number } }> {
  const app = openAppDatabase(dir);
  try {
    const store = new RunStore(app.db);
    const key = readPublicKey(join(dir, 'keys'));
    const one = store.audit.verify(key);
    const counts = { byWorkers: 0, here: 0 };
    const parallel = await store.audit.verifyInParallel(key, { minEvents: 0, workers: 2, chunk: CHUNK, counts });
    return { one, parallel, counts };
  } finally {
    app.close();
  }
}

/** Rewrites event `seq`'s operator and recomputes its own hash, as a careful forger would. */
function forgeWithHash(db: Database.Database, seq: number): void {
  const row = db.prepare('SELECT e.*, b.body_json FROM audit_events e LEFT JOIN audit_bodies b ON b.seq = e.seq WHERE e.seq = ?').get(seq) as AuditEventRow;
  const event = { ...toStoredEvent(row), operator: 'mallory' };
  db.prepare('UPDATE audit_events SET operator = ?, hash = ? WHERE seq = ?').run('mallory', eventHash(event.prevHash, event), seq);
}

describe('audit verify reading the chain on worker threads', () => {
  it('reads every stretch on the workers and finds an intact chain intact, as one thread does', async () => {
    const { one, parallel, counts } = await verifications(pristine);
    expect(one).toMatchObject({ ok: true, events: EVENTS + 1 }); // and the key's creation
    expect(parallel).toEqual(one);
    expect(counts).toEqual({ byWorkers: STRETCHES, here: 0 });
  });

  it('names forgeries inside each worker\'s stretches and on both sides of a stretch edge, exactly as one thread does', async () => {
    const edge = CHUNK; // the last event of stretch 0 (worker 0); edge + 1 opens stretch 1 (worker 1)
    const dir = await tampered((db) => {
      db.exec(`UPDATE audit_events SET operator = 'mallory' WHERE seq = 700`); // inside stretch 0, worker 0
      db.exec(`UPDATE audit_events SET operator = 'mallory' WHERE seq = ${CHUNK + 700}`); // inside stretch 1, worker 1
      forgeWithHash(db, edge); // the event's own hash fits: only the next event's link (across the edge) shows it
      forgeWithHash(db, 4 * CHUNK - 10); // the same inside a stretch: the link breaks within worker 1's read
      db.exec(`UPDATE audit_bodies SET body_json = '{"i":-1}' WHERE seq = ${2 * CHUNK}`); // last of stretch 1
      db.exec(`DELETE FROM audit_events WHERE seq = ${2 * CHUNK + 1}`); // first of stretch 2 deleted
      db.exec(`DELETE FROM audit_bodies WHERE seq = ${4 * CHUNK + 1}`); // first of stretch 4 loses its body
      db.exec(`UPDATE audit_checkpoints SET head_hash = '${'f'.repeat(64)}' WHERE seq = 9000`); // a rewritten checkpoint
    });
    const { one, parallel, counts } = await verifications(dir);
    expect(counts).toEqual({ byWorkers: STRETCHES, here: 0 });
    expect(parallel).toEqual(one);
    expect(parallel.ok).toBe(false);
    const named = parallel.problems.map((p) => `${p.seq} ${p.kind}`);
    expect(named).toEqual(expect.arrayContaining([
      '700 event-edited',
      `${CHUNK + 700} event-edited`,
      `${edge + 1} out-of-order`,
      `${4 * CHUNK - 9} out-of-order`,
      `${2 * CHUNK} body-edited`,
      `${2 * CHUNK + 1} event-missing`,
      `${4 * CHUNK + 1} body-missing`,
      '9000 checkpoint-mismatch',
    ]));
    expect(parallel.problems[0]).toMatchObject({ seq: 700, kind: 'event-edited' });
    const cli = handrail(['audit', 'verify', '--json'], { dataDir: dir });
    expect(cli.code).toBe(3);
    expect((JSON.parse(cli.stdout) as VerifyResult).problems).toEqual(one.problems);
  });

  it('names two events swapped across a stretch edge as one thread does', async () => {
    const a = 3 * CHUNK;
    const dir = await tampered((db) => {
      const columns = 'at, operator, machine, app_version, kind, run_id, step_idx, environment, target, body_sha256, prev_hash, hash';
      db.exec(`CREATE TEMP TABLE swap AS SELECT seq, ${columns} FROM audit_events WHERE seq IN (${a}, ${a + 1})`);
      db.exec(`UPDATE audit_events SET (${columns}) = (SELECT ${columns} FROM swap s WHERE s.seq = ${a + 1}) WHERE seq = ${a}`);
      db.exec(`UPDATE audit_events SET (${columns}) = (SELECT ${columns} FROM swap s WHERE s.seq = ${a}) WHERE seq = ${a + 1}`);
    });
    const { one, parallel } = await verifications(dir);
    expect(one.ok).toBe(false);
    expect(one.problems[0]?.seq).toBe(a);
    expect(parallel).toEqual(one);
  });
});
