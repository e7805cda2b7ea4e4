// A team ledger filled straight through PostgreSQL, as fast as it can be: machines whose runs
// of RUN_EVENTS events are chained and signed exactly as a machine writes them (so a lead's
// view verifies every one), inserted with the ledger's triggers off. For the bench's ledger
// of a million events and for tests of the lead's reads; never a way to test the triggers.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { GENESIS_HASH, bodySha256, eventHash, type AuditFields } from '../../src/core/audit/chain-hash.js';
import { keyFingerprint, linkTo, signCheckpoint, type Checkpoint } from '../../src/core/audit/checkpoint.js';
import type { LedgerClient } from '../../src/targets/ledger/ledger-connection.js';

export const RUN_EVENTS = 100;

interface Machine {
  id: string;
  key: KeyObject;
}

/** `runs` finished runs of RUN_EVENTS events on each machine, chained and signed as a machine writes them, straight into the ledger. */
export async function seedLedger(client: LedgerClient, machines: number, runs: number): Promise<void> {
  await client.query('SET session_replication_role = replica');
  const base = Date.parse('2026-01-01T00:00:00Z');
  for (let m = 0; m < machines; m++) {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const machine: Machine = { id: `bench-machine-${m}`, key: privateKey };
    await client.query('INSERT INTO handrail.machines (machine_id, hostname, public_key_pem, key_fingerprint, registered_by) VALUES ($1, $2, $3, $4, $5)', [
      machine.id, `host-${m}`, publicKey.export({ type: 'spki', format: 'pem' }).toString(), keyFingerprint(publicKey), 'bench',
    ]);
    let prev = GENESIS_HASH;
    let lastCp: Checkpoint | undefined;
    let seq = 0;
    let events: unknown[][] = [];
    let bodies: unknown[][] = [];
    let checkpoints: unknown[][] = [];
    const flush = async () => {
      await insertRows(client, 'handrail.audit_events (machine_id, seq, at, operator, machine, app_version, kind, run_id, step_idx, environment, target, body_sha256, prev_hash, hash)', events);
      await insertRows(client, 'handrail.audit_bodies (machine_id, seq, body_json)', bodies);
      await insertRows(client, 'handrail.audit_checkpoints (machine_id, seq, head_hash, at, signature, public_key_fingerprint, prev_checkpoint_hash)', checkpoints);
      events = [];
      bodies = [];
      checkpoints = [];
    };
    for (let r = 0; r < runs; r++) {
      const runId = `m${m}-r${r.toString().padStart(7, '0')}`;
      for (let i = 0; i < RUN_EVENTS; i++) {
        seq++;
        const at = new Date(base + (r * RUN_EVENTS + i) * 1000 + m).toISOString();
        const last = i === RUN_EVENTS - 1;
        const kind = i === 0 ? 'run.started' : last ? 'run.succeeded' : i % 2 === 1 ? 'step.running' : 'step.succeeded';
        const json = JSON.stringify(i === 0 ? { runbook: `bench-${r % 20}`, version: '1.0.0', sha256: 'a'.repeat(64), environment: 'pilot', inputs: {} } : { attempt: 1 });
        const fields: AuditFields = {
          seq, at, operator: `op${r % 7}`, machine: `host-${m}`, appVersion: '0.1.0', kind, runId,
          stepIdx: i === 0 || last ? null : Math.floor((i - 1) / 2), environment: 'pilot', target: null, bodySha256: bodySha256(json),
        };
        const hash = eventHash(prev, fields);
        events.push([machine.id, seq, at, fields.operator, fields.machine, fields.appVersion, kind, runId, fields.stepIdx, 'pilot', null, fields.bodySha256, prev, hash]);
        bodies.push([machine.id, seq, json]);
        prev = hash;
        if (last) {
          const cp = signCheckpoint(machine.key, { seq, headHash: hash, at, prevCheckpointHash: linkTo(lastCp) });
          checkpoints.push([machine.id, cp.seq, cp.headHash, cp.at, cp.signature, cp.publicKeyFingerprint, cp.prevCheckpointHash ?? null]);
          lastCp = cp;
        }
      }
      if (events.length >= 2000) await flush();
    }
    await flush();
  }
  await client.query('ANALYZE handrail.audit_events');
}

async function insertRows(client: LedgerClient, into: string, rows: unknown[][]): Promise<void> {
  if (rows.length === 0) return;
  const width = rows[0]!.length;
  for (let at = 0; at < rows.length; at += 1000) {
    const chunk = rows.slice(at, at + 1000);
    const values = chunk.map((_, i) => `(${Array.from({ length: width }, (_, j) => `$${i * width + j + 1}`).join(', ')})`).join(', ');
    await client.query(`INSERT INTO ${into} VALUES ${values}`, chunk.flat());
  }
}
