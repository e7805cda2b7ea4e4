// Writing a machine's trail into the team ledger and reading back what it holds of it. The
// ledger's triggers decide what is accepted (a chain continued, a checkpoint over an event it
// holds, the pinned key); this file only sends rows, one transaction per batch, so a batch
// lands whole or not at all. A batch's events and bodies go as one statement each (arrays
// unnested in seq order), not two round trips per event: see ledger-ship-events.ts.
import type { Checkpoint } from '../../core/audit/checkpoint.js';
import type { StoredEvent } from '../../core/audit/verify-chain.js';
import type { LedgerClient } from './ledger-connection.js';
import { insertEvents } from './ledger-ship-events.js';

export interface MachineIdentity {
  machineId: string;
  hostname: string;
  operator: string;
  publicKeyPem: string;
  fingerprint: string;
}

export interface Registration {
  status: 'registered' | 'known' | 'key-mismatch';
  pinnedFingerprint: string;
  registeredAt: string;
}

export interface ShippedOutput {
  runId: string;
  idx: number;
  attempt: number;
  seq: number;
  stream: string;
  rawBytes: number;
  /** Raw DEFLATE, as stored locally. */
  data: Buffer;
  eventSeq: number;
}

export interface ShippedRunRecord {
  runId: string;
  eventSeq: number;
  runJson: string;
  stepsJson: string;
  runbookSource: Buffer | null;
}

export interface ShipBatch {
  machineId: string;
  events: readonly StoredEvent[];
  outputs: readonly ShippedOutput[];
  runRecords: readonly ShippedRunRecord[];
  checkpoints: readonly Checkpoint[];
}

export async function registerMachine(client: LedgerClient, m: MachineIdentity): Promise<Registration> {
  const result = await client.query<{ status: Registration['status']; pinned_fingerprint: string; registered_at: Date }>(
    'SELECT status, pinned_fingerprint, registered_at FROM handrail.register_machine($1, $2, $3, $4, $5)',
    [m.machineId, m.hostname, m.operator, m.publicKeyPem, m.fingerprint],
  );
  const row = result.rows[0];
  if (!row) throw new Error('the ledger did not answer the registration');
  return { status: row.status, pinnedFingerprint: row.pinned_fingerprint, registeredAt: new Date(row.registered_at).toISOString() };
}

/** The last event and the last checkpoint the ledger holds of a machine (0: none). */
export async function ledgerHead(client: LedgerClient, machineId: string): Promise<{ seq: number; hash: string | null; checkpointSeq: number }> {
  const result = await client.query<{ seq: number | null; hash: string | null; checkpoint_seq: number | null }>(
    `SELECT e.seq, e.hash, (SELECT max(seq) FROM handrail.audit_checkpoints WHERE machine_id = $1) AS checkpoint_seq
       FROM (SELECT 1) one LEFT JOIN LATERAL (SELECT seq, hash FROM handrail.audit_events WHERE machine_id = $1 ORDER BY seq DESC LIMIT 1) e ON true`,
    [machineId],
  );
  const row = result.rows[0];
  return { seq: row?.seq ?? 0, hash: row?.hash ?? null, checkpointSeq: row?.checkpoint_seq ?? 0 };
}

/** The hashes the ledger holds of a machine's events from..to (inclusive), by seq. */
export async function ledgerHashes(client: LedgerClient, machineId: string, from: number, to: number): Promise<Map<number, string>> {
  const result = await client.query<{ seq: number; hash: string }>(
    'SELECT seq, hash FROM handrail.audit_events WHERE machine_id = $1 AND seq BETWEEN $2 AND $3 ORDER BY seq',
    [machineId, from, to],
  );
  return new Map(result.rows.map((r) => [r.seq, r.hash]));
}

export async function shipBatch(client: LedgerClient, batch: ShipBatch): Promise<void> {
  const m = batch.machineId;
  await client.query('BEGIN');
  try {
    await insertEvents(client, m, batch.events);
    for (const o of batch.outputs) {
      await client.query(
        'INSERT INTO handrail.step_output (machine_id, run_id, idx, attempt, seq, stream, raw_bytes, data, event_seq) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)',
        [m, o.runId, o.idx, o.attempt, o.seq, o.stream, o.rawBytes, o.data, o.eventSeq],
      );
    }
    for (const r of batch.runRecords) {
      await client.query(
        `INSERT INTO handrail.run_records (machine_id, run_id, event_seq, run_json, steps_json, runbook_source) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT DO NOTHING`,
        [m, r.runId, r.eventSeq, r.runJson, r.stepsJson, r.runbookSource],
      );
    }
    for (const c of batch.checkpoints) {
      await client.query(
        `INSERT INTO handrail.audit_checkpoints (machine_id, seq, head_hash, at, signature, public_key_fingerprint, prev_checkpoint_hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [m, c.seq, c.headHash, c.at, c.signature, c.publicKeyFingerprint, c.prevCheckpointHash ?? null],
      );
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
