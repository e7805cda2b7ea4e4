// Checkpoints that cannot be dropped quietly, tried as someone who can write the data folder
// but does not hold the signing key would: rewrite the chain and delete the checkpoints that
// give it away; delete the key and every checkpoint and let Handrail make a new key; forge an
// export and sign it with a key of their own.
import { createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bodySha256, eventHash, GENESIS_HASH, type AuditFields } from '../../src/core/audit/chain-hash.js';
import { checkpointHash, checkpointMessage, keyFingerprint, signCheckpoint, type Checkpoint } from '../../src/core/audit/checkpoint.js';
import { createSigningKey } from '../../src/store/audit-keys.js';
import { MIGRATIONS } from '../../src/store/known-migrations.js';
import { migrate } from '../../src/store/migrate.js';
import { handrail, runIdOf, type CliOptions } from '../support/handrail-cli.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';

let root: string;
let cli: CliOptions;

beforeEach(async () => {
  root = await makeTempDir('cp');
  const workspace = join(root, 'ws');
  mkdirSync(workspace);
  writeFileSync(join(workspace, 'handrail.yml'), 'environments:\n  dev:\n    targets:\n      box: local\n');
  writeFileSync(join(workspace, 'look.md'), '---\nid: look\ntitle: Look\nversion: 1.0.0\nenvironments: [dev]\n---\n\n# Look\n\n## Look\n\n```sh {target=local}\necho looked\n```\n');
  cli = { dataDir: join(root, 'data'), workspace };
});
afterEach(() => removeDir(root));

/** Three finished runs, each ended by a signed checkpoint. */
function threeRuns(): string[] {
  return [1, 2, 3].map(() => {
    const result = handrail(['run', 'look', '--env', 'dev'], cli);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    return runIdOf(result.stdout);
  });
}

/** Edits the app database as someone with write access to the file (and no key) would. */
function tamper(fn: (db: Database.Database) => void) {
  const db = new Database(join(cli.dataDir, 'handrail.db'));
  try {
    db.exec('DROP TRIGGER IF EXISTS audit_events_no_update; DROP TRIGGER IF EXISTS audit_events_no_delete;');
    db.exec('DROP TRIGGER IF EXISTS audit_checkpoints_no_update; DROP TRIGGER IF EXISTS audit_checkpoints_no_delete;');
    fn(db);
  } finally {
    db.close();
  }
}

type Row = Record<string, string | number | null>;
const fieldsOf = (r: Row): AuditFields => ({
  seq: r.seq as number, at: r.at as string, operator: r.operator as string, machine: r.machine as string,
  appVersion: r.app_version as string, kind: r.kind as string, runId: r.run_id as string | null,
  stepIdx: r.step_idx as number | null, environment: r.environment as string | null, target: r.target as string | null,
  bodySha256: r.body_sha256 as string,
});

/** Recomputes every hash from `from` on, so the chain is self-consistent again. */
function rehash(db: Database.Database, from: number) {
  const rows = db.prepare('SELECT * FROM audit_events WHERE seq >= ? ORDER BY seq').all(from) as Row[];
  let prev = db.prepare('SELECT prev_hash FROM audit_events WHERE seq = ?').pluck().get(from) as string;
  for (const r of rows) {
    const hash = eventHash(prev, fieldsOf(r));
    db.prepare('UPDATE audit_events SET prev_hash = ?, hash = ? WHERE seq = ?').run(prev, hash, r.seq);
    prev = hash;
  }
}

const verifyJson = (options: CliOptions = cli) => {
  const result = handrail(['audit', 'verify', '--json'], options);
  return { code: result.code, json: JSON.parse(result.stdout) as { ok: boolean; problems: { seq: number; kind: string; message: string }[] } };
};

const seqOf = (kind: string, runId: string) => {
  const db = new Database(join(cli.dataDir, 'handrail.db'), { readonly: true });
  try {
    return db.prepare('SELECT seq FROM audit_events WHERE kind = ? AND run_id = ?').pluck().get(kind, runId) as number;
  } finally {
    db.close();
  }
};

describe('a chain rewritten from event N, rehashed forward, its checkpoints from N on deleted', () => {
  it('is caught: verify names the missing checkpoint of the first finished run after N', () => {
    const [, second, third] = threeRuns() as [string, string, string];
    const from = seqOf('run.started', second);
    tamper((db) => {
      // The second run now looks like someone else's, every hash consistent again.
      db.prepare("UPDATE audit_events SET operator = 'mallory' WHERE run_id = ?").run(second);
      rehash(db, from);
      db.prepare('DELETE FROM audit_checkpoints WHERE seq >= ?').run(from);
    });
    const { code, json } = verifyJson();
    expect(code).toBe(3);
    expect(json.ok).toBe(false);
    // The runs row still names the real operator, so the row check flags the rewrite too
    // (record-mismatch, earlier in the chain); the checkpoint check must find it on its own.
    const missing = json.problems.find((p) => p.kind === 'checkpoint-missing');
    expect(missing).toMatchObject({ seq: seqOf('run.succeeded', second), kind: 'checkpoint-missing' });
    expect(missing?.message).toContain(`run ${second}`);
    expect(json.problems.map((p) => [p.seq, p.kind])).toContainEqual([seqOf('run.succeeded', third), 'checkpoint-missing']);
  });
});

describe('the signing key and every checkpoint deleted', () => {
  function dropKeyAndCheckpoints() {
    rmSync(join(cli.dataDir, 'keys'), { recursive: true, force: true });
    tamper((db) => db.exec('DELETE FROM audit_checkpoints'));
  }

  it('`audit key` refuses to make a new key, explains, and verify names what is missing', () => {
    const [first] = threeRuns() as [string];
    dropKeyAndCheckpoints();
    const key = handrail(['audit', 'key'], cli);
    expect(key.code).toBe(1);
    expect(key.stdout).toBe('');
    expect(key.stderr).toContain('audit signing key is missing');
    expect(key.stderr).toContain('Restore');
    expect(existsSync(join(cli.dataDir, 'keys'))).toBe(false);
    // An acknowledgement is signed too: it is refused the same way, and nothing is recorded.
    const ack = handrail(['audit', 'acknowledge', '--note', 'lost the key'], cli);
    expect(ack.code).toBe(1);
    expect(ack.stderr).toContain('Handrail will not make a new key');
    expect(ack.stderr).not.toContain('bug');
    expect(existsSync(join(cli.dataDir, 'keys'))).toBe(false);

    const { code, json } = verifyJson();
    expect(code).toBe(3);
    const kinds = json.problems.map((p) => [p.seq, p.kind]);
    // The chain recorded the first key's creation; that key is gone.
    expect(json.problems[0]).toMatchObject({ kind: 'key-missing' });
    expect(json.problems[0]?.message).toContain('was created');
    expect(kinds).toContainEqual([seqOf('run.succeeded', first), 'checkpoint-missing']);
  });

  it('the next run makes no key either: it reads, and verify stays broken', () => {
    threeRuns();
    dropKeyAndCheckpoints();
    const run = handrail(['run', 'look', '--env', 'dev'], cli);
    expect(run.stdout).toContain('looked');
    expect(existsSync(join(cli.dataDir, 'keys'))).toBe(false);
    expect(verifyJson().code).toBe(3);
  });

  it('with only the private key gone, a run still ends on record, unsigned, and no key is made', () => {
    threeRuns();
    rmSync(join(cli.dataDir, 'keys', 'audit-signing-key.pem'));
    const run = handrail(['run', 'look', '--env', 'dev'], cli);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const id = runIdOf(run.stdout);
    expect(existsSync(join(cli.dataDir, 'keys', 'audit-signing-key.pem'))).toBe(false);
    const { code, json } = verifyJson();
    expect(code).toBe(3);
    expect(json.problems[0]).toMatchObject({ seq: seqOf('run.succeeded', id), kind: 'checkpoint-missing' });
  });

  it('a key put in place of the recorded one is named', () => {
    threeRuns();
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    writeFileSync(join(cli.dataDir, 'keys', 'audit-signing-key.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
    writeFileSync(join(cli.dataDir, 'keys', 'audit-signing-key.pub.pem'), publicKey.export({ type: 'spki', format: 'pem' }));
    const { code, json } = verifyJson();
    expect(code).toBe(3);
    const replaced = json.problems.find((p) => p.kind === 'key-replaced');
    expect(replaced?.message).toContain(keyFingerprint(publicKey));
  });

  it('a fresh data folder records the creation of its first key', () => {
    const key = handrail(['audit', 'key'], cli);
    expect(key.code, key.stderr).toBe(0);
    const recorded = () => {
      const db = new Database(join(cli.dataDir, 'handrail.db'), { readonly: true });
      try {
        return db.prepare("SELECT b.body_json FROM audit_events e JOIN audit_bodies b USING (seq) WHERE e.kind = 'audit.key-created'").pluck().all();
      } finally {
        db.close();
      }
    };
    expect(recorded().map((b) => (JSON.parse(b as string) as { fingerprint: string }).fingerprint)).toEqual([key.stdout.trim()]);
    // Asking again prints the same key and records nothing more; a run is signed with it.
    expect(handrail(['audit', 'key'], cli).stdout).toBe(key.stdout);
    threeRuns();
    expect(recorded()).toHaveLength(1);
    expect(verifyJson().code).toBe(0);
  });
});

describe('an export forged and re-signed with a fresh key', () => {
  /**
   * Puts another operator on the first run, records `key` as the one created, rehashes every
   * event, re-signs each checkpoint with `key`: the best a forger without the real key can do.
   */
  function forge(text: string, key: KeyObject): string {
    const lines = text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const target = lines.find((l) => l.type === 'event' && l.kind === 'run.started');
    expect(target).toBeDefined();
    let prev = GENESIS_HASH;
    const hashes = new Map<number, string>();
    for (const l of lines.filter((x) => x.type === 'event')) {
      if (l === target) l.operator = 'mallory';
      if (l.kind === 'audit.key-created') {
        l.bodyJson = JSON.stringify({ fingerprint: keyFingerprint(key) });
        l.bodySha256 = bodySha256(l.bodyJson as string);
      }
      l.prevHash = prev;
      l.hash = eventHash(prev, l as unknown as AuditFields);
      prev = l.hash as string;
      hashes.set(l.seq as number, prev);
    }
    let previous: Checkpoint | undefined;
    return lines
      .map((l) => {
        if (l.type === 'checkpoint') {
          const cp = signCheckpoint(key, { seq: l.seq as number, headHash: hashes.get(l.seq as number) ?? '', at: l.at as string,
            prevCheckpointHash: previous ? checkpointHash(previous) : GENESIS_HASH });
          previous = cp;
          return JSON.stringify({ type: 'checkpoint', ...cp });
        }
        if (l.type === 'public-key') {
          return JSON.stringify({ type: 'public-key', algorithm: 'ed25519', fingerprint: keyFingerprint(key), pem: createPublicKey(key).export({ type: 'spki', format: 'pem' }) });
        }
        return JSON.stringify(l);
      })
      .join('\n');
  }

  it('is refused when the key is pinned, or differs from this data folder’s; without either, it says which key it trusted', () => {
    threeRuns();
    const file = join(root, 'trail.jsonl');
    expect(handrail(['audit', 'export', '--format', 'jsonl', '--out', file], cli).code).toBe(0);
    const real = handrail(['audit', 'key'], cli).stdout.trim();
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const forged = join(root, 'forged.jsonl');
    writeFileSync(forged, forge(readFileSync(file, 'utf8'), privateKey));
    const elsewhere = { ...cli, dataDir: join(root, 'elsewhere') };

    // The real export, pinned to the real key: intact.
    const genuine = handrail(['audit', 'verify', '--file', file, '--key', real], elsewhere);
    expect(genuine.code, genuine.stdout + genuine.stderr).toBe(0);

    // Pinned: the forged one's key is not the one noted from the machine.
    const pinned = handrail(['audit', 'verify', '--file', forged, '--key', real], elsewhere);
    expect(pinned.code).toBe(3);
    expect(pinned.stderr).toContain(keyFingerprint(publicKey));
    expect(pinned.stderr).toContain(real);

    // On the machine that exported it: its own key differs from the file's.
    const here = handrail(['audit', 'verify', '--file', forged], cli);
    expect(here.code).toBe(3);
    expect(here.stderr).toContain(real);

    // A fingerprint that is not one, or --key without a file, is refused before anything is read.
    const typo = handrail(['audit', 'verify', '--file', forged, '--key', real.slice(0, 20)], elsewhere);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('is not a key fingerprint');
    expect(handrail(['audit', 'verify', '--key', real], cli).code).toBe(2);

    // Nothing to compare with: the file verifies against its own key, and says which one.
    const alone = handrail(['audit', 'verify', '--file', forged], elsewhere);
    expect(alone.code).toBe(0);
    expect(alone.stdout).toContain(`trusted the key the file carries, ${keyFingerprint(publicKey)}`);
  });
});

describe('a data directory written before checkpoints were linked', () => {
  /**
   * Schema and chain as the previous Handrail left them: v1 checkpoints at a run's end, an
   * interrupted run (signed later, at the head) aborted in the console (not signed at all).
   */
  function legacyDataDir(): Checkpoint {
    mkdirSync(cli.dataDir);
    const key = createSigningKey(join(cli.dataDir, 'keys'));
    const db = new Database(join(cli.dataDir, 'handrail.db'));
    let last: Checkpoint | undefined;
    try {
      migrate(db, join(cli.dataDir, 'handrail.db'), MIGRATIONS.filter((m) => m.name < '0007'));
      let prev = GENESIS_HASH;
      const kinds: [string, string | null][] = [['run.started', 'r1'], ['run.succeeded', 'r1'], ['run.started', 'r2'], ['run.interrupted', 'r2'], ['audit.verified', null], ['run.aborted', 'r2']];
      kinds.forEach(([kind, runId], i) => {
        const bodyJson = JSON.stringify({ i });
        const fields: AuditFields = { seq: i + 1, at: `2026-01-01T00:00:0${i}.000Z`, operator: 'ana', machine: 'm', appVersion: '0.1.0', kind, runId,
          stepIdx: null, environment: runId ? 'dev' : null, target: null, bodySha256: bodySha256(bodyJson) };
        const hash = eventHash(prev, fields);
        db.prepare(`INSERT INTO audit_events (seq, at, operator, machine, app_version, kind, run_id, step_idx, environment, target, body_sha256, prev_hash, hash)
                    VALUES (@seq, @at, @operator, @machine, @appVersion, @kind, @runId, @stepIdx, @environment, @target, @bodySha256, @prev, @hash)`).run({ ...fields, prev, hash });
        db.prepare('INSERT INTO audit_bodies (seq, body_json) VALUES (?, ?)').run(fields.seq, bodyJson);
        if (fields.seq === 2 || fields.seq === 5) {
          const unsigned = { seq: fields.seq, headHash: hash, at: fields.at, publicKeyFingerprint: keyFingerprint(key) };
          last = { ...unsigned, signature: sign(null, Buffer.from(checkpointMessage(unsigned)), key).toString('base64') };
          db.prepare('INSERT INTO audit_checkpoints VALUES (?, ?, ?, ?, ?)').run(last.seq, last.headHash, last.at, last.signature, last.publicKeyFingerprint);
        }
        prev = hash;
      });
    } finally {
      db.close();
    }
    return last as unknown as Checkpoint;
  }

  it('still verifies, and its next checkpoint links to the last old one', () => {
    const lastOld = legacyDataDir();
    const before = handrail(['audit', 'verify'], cli);
    expect(before.code, before.stderr).toBe(0);
    expect(before.stdout).toContain('audit trail intact: 6 events, 2 checkpoints');

    const run = handrail(['run', 'look', '--env', 'dev'], cli);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const db = new Database(join(cli.dataDir, 'handrail.db'), { readonly: true });
    try {
      const links = db.prepare('SELECT seq, prev_checkpoint_hash FROM audit_checkpoints ORDER BY seq').all() as { seq: number; prev_checkpoint_hash: string | null }[];
      expect(links.slice(0, 2).map((l) => l.prev_checkpoint_hash)).toEqual([null, null]);
      expect(links[2]?.prev_checkpoint_hash).toBe(checkpointHash(lastOld));
      // The old key is used as it is: no new key, no key-created event.
      expect(db.prepare("SELECT count(*) FROM audit_events WHERE kind = 'audit.key-created'").pluck().get()).toBe(0);
    } finally {
      db.close();
    }
    expect(verifyJson()).toMatchObject({ code: 0, json: { ok: true } });
  });
});
