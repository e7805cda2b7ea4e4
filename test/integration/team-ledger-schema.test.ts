// The team ledger as a witness, checked in the database itself (a real PostgreSQL set up by
// `handrail team init`): no login in handrail_writer can change or remove a row, the table
// owner is stopped by triggers too, and an event that does not continue its machine's chain
// is refused whoever sends it.
import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GENESIS_HASH, bodySha256, eventHash, type AuditFields } from '../../src/core/audit/chain-hash.js';
import { keyFingerprint } from '../../src/core/audit/checkpoint.js';
import { handrail } from '../support/handrail-cli.js';
import { psqlAs, startTestLedger, type TestLedger } from '../support/team-ledger.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';

const TABLES = ['_migrations', 'machines', 'key_incidents', 'audit_events', 'audit_bodies', 'audit_checkpoints', 'step_output', 'run_records', 'lock_events'];

let root: string;
let ledger: TestLedger;

beforeAll(async () => {
  root = await makeTempDir('team-schema');
  ledger = await startTestLedger(root, { op_a: 'operator', reader_only: 'operator' });
  await ledger.pg.psql('REVOKE handrail_writer FROM reader_only; GRANT handrail_reader TO reader_only;');
}, 60_000);
afterAll(async () => {
  await ledger?.pg.stop();
  if (root) await removeDir(root);
});

const { publicKey } = generateKeyPairSync('ed25519');
const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();

function event(seq: number, prevHash: string, body = '{"n":1}'): AuditFields & { prevHash: string; hash: string; body: string } {
  const fields: AuditFields = {
    seq, at: `2026-12-06T23:00:0${seq}.000Z`, operator: 'alice', machine: 'laptop-a', appVersion: '0.1.0', kind: 'test.event',
    runId: null, stepIdx: null, environment: null, target: null, bodySha256: bodySha256(body),
  };
  return { ...fields, prevHash, hash: eventHash(prevHash, fields), body };
}

function insertSql(machine: string, e: ReturnType<typeof event>): string {
  const q = (v: string | null) => (v === null ? 'NULL' : `'${v.replaceAll("'", "''")}'`);
  return `INSERT INTO handrail.audit_events (machine_id, seq, at, operator, machine, app_version, kind, run_id, step_idx, environment, target, body_sha256, prev_hash, hash)
    VALUES (${q(machine)}, ${e.seq}, ${q(e.at)}, ${q(e.operator)}, ${q(e.machine)}, ${q(e.appVersion)}, ${q(e.kind)}, NULL, NULL, NULL, NULL, ${q(e.bodySha256)}, ${q(e.prevHash)}, ${q(e.hash)});
    INSERT INTO handrail.audit_bodies (machine_id, seq, body_json) VALUES (${q(machine)}, ${e.seq}, ${q(e.body)});`;
}

describe('handrail team init', () => {
  it('is idempotent: a second run finds the ledger up to date and changes nothing', () => {
    const again = handrail(['team', 'init', '--admin-url', ledger.pg.url, '--password-env', 'ADMIN_PW'], { dataDir: join(root, 'admin-data'), env: { ADMIN_PW: ledger.pg.password } });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/up to date; nothing to do/);
    expect(again.stdout).toMatch(/handrail_writer \(INSERT and SELECT only/);
  });

  it('refuses a ledger whose applied migration was edited, naming it, and changes nothing', async () => {
    await ledger.pg.psql("ALTER TABLE handrail._migrations DISABLE TRIGGER _migrations_no_change; UPDATE handrail._migrations SET sha256 = repeat('a', 64) WHERE id = 1;");
    try {
      const again = handrail(['team', 'init', '--admin-url', ledger.pg.url, '--password-env', 'ADMIN_PW'], { dataDir: join(root, 'admin-data'), env: { ADMIN_PW: ledger.pg.password } });
      expect(again.code).toBe(1);
      expect(again.stderr).toMatch(/migration 0001-ledger does not match this build's/);
      expect(again.stderr).toMatch(/nothing was created or changed/);
    } finally {
      const sha = (await import('node:crypto')).createHash('sha256').update((await import('../../src/targets/ledger/migrations/0001-ledger.js')).sql).digest('hex');
      await ledger.pg.psql(`UPDATE handrail._migrations SET sha256 = '${sha}' WHERE id = 1; ALTER TABLE handrail._migrations ENABLE TRIGGER _migrations_no_change;`);
    }
  });
});

describe('the ledger is append-only', () => {
  beforeAll(async () => {
    const register = await psqlAs(ledger, 'op_a', `SELECT status FROM handrail.register_machine('m-append', 'laptop-a', 'alice', '${pem}', '${keyFingerprint(publicKey)}');`);
    expect(register.stdout.trim(), register.stderr).toBe('registered');
    const first = event(1, GENESIS_HASH);
    const done = await psqlAs(ledger, 'op_a', insertSql('m-append', first));
    expect(done.code, done.stderr).toBe(0);
    await ledger.pg.psql(`INSERT INTO handrail.audit_checkpoints (machine_id, seq, head_hash, at, signature, public_key_fingerprint)
        VALUES ('m-append', 1, '${first.hash}', '${first.at}', 'c2lnbmF0dXJl', '${keyFingerprint(publicKey)}');
      INSERT INTO handrail.lock_events (lock_id, action, lock_key, machine_id, hostname, operator, activity)
      VALUES ('l-1', 'acquire', 'sqlite:laptop-a:/x.db', 'm-append', 'laptop-a', 'alice', 'run r-1');
      INSERT INTO handrail.step_output (machine_id, run_id, idx, attempt, seq, stream, raw_bytes, data, event_seq) VALUES ('m-append', 'r-1', 0, 1, 0, 'stdout', 1, '\\x00', 1);
      INSERT INTO handrail.run_records (machine_id, run_id, event_seq, run_json, steps_json) VALUES ('m-append', 'r-1', 1, '{}', '[]');
      INSERT INTO handrail.key_incidents (machine_id, pinned_fingerprint, offered_fingerprint, offered_public_key_pem, hostname, operator) VALUES ('m-append', 'a', 'b', 'c', 'h', 'o');`);
  });

  it.each(TABLES)('as handrail_writer, UPDATE, DELETE and TRUNCATE of handrail.%s fail and leave its rows', async (table) => {
    const before = await ledger.pg.psql(`SELECT count(*) FROM handrail.${table}`);
    expect(Number(before)).toBeGreaterThan(0);
    for (const sql of [`UPDATE handrail.${table} SET ${table === '_migrations' ? 'name' : 'machine_id'} = ${table === '_migrations' ? 'name' : 'machine_id'};`, `DELETE FROM handrail.${table};`, `TRUNCATE handrail.${table} CASCADE;`]) {
      const tried = await psqlAs(ledger, 'op_a', sql);
      expect(tried.code, `${sql} should fail`).not.toBe(0);
      expect(tried.stderr).toMatch(/permission denied|append-only/);
    }
    expect(await ledger.pg.psql(`SELECT count(*) FROM handrail.${table}`)).toBe(before);
  });

  it.each(TABLES)("the table's owner is stopped by the triggers too: UPDATE, DELETE and TRUNCATE of handrail.%s", async (table) => {
    const before = await ledger.pg.psql(`SELECT count(*) FROM handrail.${table}`);
    for (const sql of [`UPDATE handrail.${table} SET ${table === '_migrations' ? 'name' : 'machine_id'} = ${table === '_migrations' ? 'name' : 'machine_id'};`, `DELETE FROM handrail.${table};`, `TRUNCATE handrail.${table} CASCADE;`]) {
      const tried = await ledger.pg.runPsql(sql);
      expect(tried.code, `${sql} should fail`).not.toBe(0);
      expect(tried.stderr).toMatch(/append-only: a row of the team ledger can never be changed or removed/);
    }
    expect(await ledger.pg.psql(`SELECT count(*) FROM handrail.${table}`)).toBe(before);
  });

  it('handrail_reader may read but not insert', async () => {
    expect((await psqlAs(ledger, 'reader_only', 'SELECT count(*) FROM handrail.audit_events;')).stdout.trim()).toMatch(/^\d+$/);
    const tried = await psqlAs(ledger, 'reader_only', insertSql('m-append', event(2, event(1, GENESIS_HASH).hash)));
    expect(tried.stderr).toMatch(/permission denied/);
  });
});

describe('the ledger refuses what does not continue a chain', () => {
  beforeAll(async () => {
    await psqlAs(ledger, 'op_a', `SELECT status FROM handrail.register_machine('m-chain', 'laptop-a', 'alice', '${pem}', '${keyFingerprint(publicKey)}');`);
  });

  it('refuses a forged event with a wrong prev_hash, a gap, a bad hash; takes the right one; a repeat is a no-op', async () => {
    const first = event(1, GENESIS_HASH);
    expect((await psqlAs(ledger, 'op_a', insertSql('m-chain', first))).code).toBe(0);
    const forged = event(2, 'f'.repeat(64));
    const refused = await psqlAs(ledger, 'op_a', insertSql('m-chain', forged));
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/event 2 of machine m-chain does not continue its chain: its prev_hash ffffffffffff is not the hash of event 1/);
    const gap = await psqlAs(ledger, 'op_a', insertSql('m-chain', event(3, first.hash)));
    expect(gap.stderr).toMatch(/event 3 of machine m-chain does not follow the ledger's last event of it \(seq 1\)/);
    const second = event(2, first.hash);
    const badHash = await psqlAs(ledger, 'op_a', insertSql('m-chain', { ...second, hash: 'e'.repeat(64) }).replace(/INSERT INTO handrail.audit_bodies.*$/s, ''));
    expect(badHash.stderr).toMatch(/does not match its own hash/);
    expect((await psqlAs(ledger, 'op_a', insertSql('m-chain', second))).code).toBe(0);
    // Shipped twice (a retry after a lost answer): nothing new, no error.
    const again = await psqlAs(ledger, 'op_a', insertSql('m-chain', second));
    expect(again.code, again.stderr).toBe(0);
    expect(await ledger.pg.psql("SELECT string_agg(seq::text, ',' ORDER BY seq) FROM handrail.audit_events WHERE machine_id = 'm-chain'")).toBe('1,2');
    // The same seq with other content: the trail was rewritten after it shipped.
    const rewritten = await psqlAs(ledger, 'op_a', insertSql('m-chain', event(2, first.hash, '{"n":2}')));
    expect(rewritten.stderr).toMatch(/event 2 of machine m-chain is not the one the ledger holds/);
  });

  it('refuses a body that is not the one its event chained', async () => {
    const tried = await psqlAs(ledger, 'op_a', `INSERT INTO handrail.audit_bodies (machine_id, seq, body_json) VALUES ('m-chain', 2, '{"n":3}');`);
    expect(tried.stderr).toMatch(/differs from the one the ledger holds/);
  });

  it('a second key for a known machine is refused and recorded where a reader sees it', async () => {
    const other = generateKeyPairSync('ed25519').publicKey;
    const otherPem = other.export({ type: 'spki', format: 'pem' }).toString();
    const tried = await psqlAs(ledger, 'op_a', `SELECT status, pinned_fingerprint FROM handrail.register_machine('m-chain', 'laptop-a', 'mallory', '${otherPem}', '${keyFingerprint(other)}');`);
    expect(tried.stdout.trim()).toBe(`key-mismatch|${keyFingerprint(publicKey)}`);
    const seen = await psqlAs(ledger, 'reader_only', "SELECT operator, offered_fingerprint FROM handrail.key_incidents WHERE machine_id = 'm-chain';");
    expect(seen.stdout.trim()).toBe(`mallory|${keyFingerprint(other)}`);
    expect(await ledger.pg.psql("SELECT key_fingerprint FROM handrail.machines WHERE machine_id = 'm-chain'")).toBe(keyFingerprint(publicKey));
  });
});
