// The audit chain in a real app database: intact, it verifies; each kind of tampering is named
// with the right event, by the store and by `handrail audit verify` (exit 3).
import { createHash, generateKeyPairSync } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GENESIS_HASH, eventHash } from '../../src/core/audit/chain-hash.js';
import { signCheckpoint } from '../../src/core/audit/checkpoint.js';
import type { VerifyResult } from '../../src/core/audit/verify-chain.js';
import { createSigningKey, readPublicKey } from '../../src/store/audit-keys.js';
import { openAppDatabase } from '../../src/store/open-database.js';
import { RunStore } from '../../src/store/run-store.js';
import { handrail } from '../support/handrail-cli.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';

let dir: string;
beforeEach(async () => {
  dir = await makeTempDir('audit');
  // Ten events, checkpoints at 5 and 10 (as at the end of two runs). The key is made first, as
  // an earlier Handrail made it, without the key-created event that would shift these seqs
  // (audit-checkpoints.test.ts covers that event).
  createSigningKey(join(dir, 'keys'));
  const app = openAppDatabase(dir);
  const store = new RunStore(app.db);
  for (let i = 1; i <= 10; i++) {
    store.appendEvent({ operator: 'ana', kind: `test.e${i}`, runId: null, body: { i } });
    if (i % 5 === 0) store.checkpoint();
  }
  app.close();
});
afterEach(() => removeDir(dir));

/** Tampers with the database as someone with write access to the file would. */
function tamper(sql: string, fn?: (db: Database.Database) => void) {
  const db = new Database(join(dir, 'handrail.db'));
  try {
    db.exec('DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete;');
    db.exec('DROP TRIGGER audit_checkpoints_no_update; DROP TRIGGER audit_checkpoints_no_delete;');
    db.exec(sql);
    fn?.(db);
  } finally {
    db.close();
  }
}

function verifyWithStore(): VerifyResult {
  const app = openAppDatabase(dir);
  try {
    return new RunStore(app.db).audit.verify(readPublicKey(join(dir, 'keys')));
  } finally {
    app.close();
  }
}

/** Both ways in: the store, and the CLI an operator runs. Returns the first problem. */
function expectBroken(seq: number, kind: string) {
  const result = verifyWithStore();
  expect(result.ok).toBe(false);
  expect(result.problems[0]).toMatchObject({ seq, kind });
  const cli = handrail(['audit', 'verify', '--json'], { dataDir: dir });
  expect(cli.code).toBe(3);
  expect((JSON.parse(cli.stdout) as { first: unknown }).first).toMatchObject({ seq, kind });
  return result.problems[0];
}

/** Rewrites events from..to with self-consistent hashes, as someone without the key could. */
function rehash(db: Database.Database, from: number) {
  type Row = Record<string, string | number | null>;
  const rows = db.prepare('SELECT * FROM audit_events WHERE seq >= ? ORDER BY seq').all(from) as Row[];
  let prev = db.prepare('SELECT prev_hash FROM audit_events WHERE seq = ?').pluck().get(from) as string;
  for (const r of rows) {
    const hash = eventHash(prev, {
      seq: r.seq as number, at: r.at as string, operator: r.operator as string, machine: r.machine as string,
      appVersion: r.app_version as string, kind: r.kind as string, runId: r.run_id as string | null,
      stepIdx: r.step_idx as number | null, environment: r.environment as string | null, target: r.target as string | null,
      bodySha256: r.body_sha256 as string,
    });
    db.prepare('UPDATE audit_events SET prev_hash = ?, hash = ? WHERE seq = ?').run(prev, hash, r.seq);
    prev = hash;
  }
}

describe('audit verify', () => {
  it('passes an intact chain and says so', () => {
    expect(verifyWithStore()).toMatchObject({ ok: true, events: 10, checkpoints: 2, problems: [] });
    const cli = handrail(['audit', 'verify'], { dataDir: dir });
    expect(cli.code).toBe(0);
    expect(cli.stdout).toMatch(/^audit trail intact: 10 events, 2 checkpoints, head 10 [0-9a-f]{64}\n$/);
  });

  it('names an edited body', () => {
    tamper(`UPDATE audit_bodies SET body_json = '{"i":99}' WHERE seq = 3`);
    expectBroken(3, 'body-edited');
    const cli = handrail(['audit', 'verify'], { dataDir: dir });
    expect(cli.code).toBe(3);
    expect(cli.stderr).toContain('audit trail BROKEN at event 3 (body-edited): the body of event 3 (test.e3) was edited');
  });

  it('names an event whose field was edited (triggers dropped)', () => {
    tamper(`UPDATE audit_events SET operator = 'mallory' WHERE seq = 4`);
    expectBroken(4, 'event-edited');
  });

  it('names a deleted event', () => {
    tamper('DELETE FROM audit_events WHERE seq = 6; DELETE FROM audit_bodies WHERE seq = 6;');
    expect(expectBroken(6, 'event-missing')?.message).toContain('event 6 is missing');
  });

  it('names two swapped events', () => {
    const cols = 'at, operator, machine, app_version, kind, run_id, step_idx, environment, target, body_sha256, prev_hash, hash';
    tamper(`CREATE TEMP TABLE t AS SELECT * FROM audit_events WHERE seq IN (7, 8);
            UPDATE audit_events SET (${cols}) = (SELECT ${cols} FROM t WHERE t.seq = 15 - audit_events.seq) WHERE seq IN (7, 8);`);
    expectBroken(7, 'out-of-order');
  });

  it('names an inserted event, even one linked and hashed correctly', () => {
    tamper(`UPDATE audit_events SET seq = seq + 1000 WHERE seq >= 4; UPDATE audit_events SET seq = seq - 999 WHERE seq > 1000;
            UPDATE audit_bodies SET seq = seq + 1000 WHERE seq >= 4; UPDATE audit_bodies SET seq = seq - 999 WHERE seq > 1000;`, (db) => {
      const three = db.prepare('SELECT * FROM audit_events WHERE seq = 3').get() as Record<string, string>;
      const fields = { seq: 4, at: three.at ?? '', operator: 'ana', machine: three.machine ?? '', appVersion: three.app_version ?? '',
        kind: 'test.forged', runId: null, stepIdx: null, environment: null, target: null, bodySha256: three.body_sha256 ?? '' };
      db.prepare(`INSERT INTO audit_events (seq, at, operator, machine, app_version, kind, body_sha256, prev_hash, hash)
                  VALUES (4, @at, @operator, @machine, @appVersion, @kind, @bodySha256, @prev, @hash)`)
        .run({ ...fields, prev: three.hash, hash: eventHash(three.hash ?? '', fields) });
      db.prepare('INSERT INTO audit_bodies (seq, body_json) SELECT 4, body_json FROM audit_bodies WHERE seq = 3').run();
    });
    expectBroken(4, 'inserted');
  });

  it('catches a chain rehashed from some event on without the key, by the checkpoint after it', () => {
    // A careful forger: new body, its true SHA-256, every hash from there on recomputed.
    const body = '{"i":70}';
    tamper(`UPDATE audit_bodies SET body_json = '${body}' WHERE seq = 7;
            UPDATE audit_events SET body_sha256 = '${createHash('sha256').update(body).digest('hex')}' WHERE seq = 7;`, (db) => rehash(db, 7));
    expect(expectBroken(10, 'checkpoint-mismatch')?.message).toContain('rewritten after seq 5');
    expect(verifyWithStore().problems).toHaveLength(1);
  });

  it('names a tail truncated below a checkpoint', () => {
    tamper('DELETE FROM audit_events WHERE seq >= 9; DELETE FROM audit_bodies WHERE seq >= 9;');
    expect(expectBroken(9, 'truncated')?.message).toContain('events 9 to 10 were removed');
  });

  it('names a checkpoint with a bad or foreign signature', () => {
    tamper(`UPDATE audit_checkpoints SET at = '2020-01-01T00:00:00.000Z' WHERE seq = 5`);
    expectBroken(5, 'bad-signature');
  });

  it('names a checkpoint forged with another key', () => {
    tamper('', (db) => {
      const head = db.prepare('SELECT hash FROM audit_events WHERE seq = 3').pluck().get() as string;
      const cp = signCheckpoint(generateKeyPairSync('ed25519').privateKey, { seq: 3, headHash: head, at: new Date().toISOString(), prevCheckpointHash: GENESIS_HASH });
      db.prepare('INSERT INTO audit_checkpoints VALUES (?, ?, ?, ?, ?, ?)').run(cp.seq, cp.headHash, cp.at, cp.signature, cp.publicKeyFingerprint, cp.prevCheckpointHash);
    });
    expectBroken(3, 'bad-signature');
  });

  it('refuses UPDATE and DELETE through its triggers', () => {
    const db = new Database(join(dir, 'handrail.db'));
    try {
      expect(() => db.prepare("UPDATE audit_events SET kind = 'x' WHERE seq = 1").run()).toThrow(/append-only/);
      expect(() => db.prepare('DELETE FROM audit_events WHERE seq = 10').run()).toThrow(/append-only/);
      expect(() => db.prepare("UPDATE audit_checkpoints SET at = 'x'").run()).toThrow(/append-only/);
      expect(() => db.prepare('DELETE FROM audit_checkpoints').run()).toThrow(/append-only/);
    } finally {
      db.close();
    }
    expect(verifyWithStore().ok).toBe(true);
  });
});

describe('audit chain', () => {
  it('checkpoints every 1,000 events by itself, and keeps its key private', () => {
    const app = openAppDatabase(dir);
    try {
      const store = new RunStore(app.db);
      store.atomically(() => {
        for (let i = 11; i <= 1000; i++) store.appendEvent({ operator: 'ana', kind: 'test.bulk', runId: null, body: { i } });
      });
      expect(store.audit.checkpoints().map((cp) => cp.seq)).toEqual([5, 10, 1000]);
      expect(store.audit.verify(readPublicKey(join(dir, 'keys')))).toMatchObject({ ok: true, events: 1000 });
    } finally {
      app.close();
    }
    expect(statSync(join(dir, 'keys')).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'keys', 'audit-signing-key.pem')).mode & 0o777).toBe(0o600);
    const key = handrail(['audit', 'key'], { dataDir: dir });
    expect(key.code).toBe(0);
    expect(key.stdout).toMatch(/^SHA256:[0-9a-f]{64}\n$/);
    const cp = handrail(['audit', 'verify', '--json'], { dataDir: dir });
    expect((JSON.parse(cp.stdout) as { keyFingerprint: string }).keyFingerprint).toBe(key.stdout.trim());
  });

  it('does not sign its 1,000th event over a tail edited since the last checkpoint', () => {
    tamper(`UPDATE audit_events SET operator = 'mallory' WHERE seq = 10`);
    const app = openAppDatabase(dir);
    try {
      const store = new RunStore(app.db);
      for (let i = 11; i <= 1000; i++) store.appendEvent({ operator: 'ana', kind: 'test.bulk', runId: null, body: { i } });
      expect(store.audit.checkpoints().map((cp) => cp.seq)).toEqual([5, 10]);
    } finally {
      app.close();
    }
    const problems = verifyWithStore().problems.map((p) => [p.seq, p.kind]);
    expect(problems).toEqual([[10, 'event-edited'], [1000, 'checkpoint-missing']]);
  });

  it('records environment and target from the run and step, and keeps the events view', () => {
    const app = openAppDatabase(dir);
    try {
      const store = new RunStore(app.db);
      const source = Buffer.from('---\nid: x\n---\n');
      const sha = createHash('sha256').update(source).digest('hex');
      store.createRun({ id: 'r1', runbookId: 'x', runbookVersion: '1.0.0', runbookSha256: sha, runbookPath: 'x.md', runbookSource: source,
        environment: 'pilot', operator: 'ana', inputs: {}, steps: [{ idx: 0, title: 'S', kind: 'sh', target: 'app' }] });
      const seq = store.appendEvent({ operator: 'ana', kind: 'step.running', runId: 'r1', stepIdx: 0, body: { attempt: 1 } });
      expect(app.db.prepare('SELECT environment, target FROM audit_events WHERE seq = ?').get(seq)).toEqual({ environment: 'pilot', target: 'app' });
      expect(app.db.prepare('SELECT kind, run_id, step_idx, body_json FROM events WHERE seq = ?').get(seq)).toEqual({
        kind: 'step.running', run_id: 'r1', step_idx: 0, body_json: '{"attempt":1}',
      });
    } finally {
      app.close();
    }
  });
});
