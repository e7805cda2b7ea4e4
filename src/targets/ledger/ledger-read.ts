// Reading the ledger for leads: the machines with their pinned keys, and one machine's chain
// and checkpoints mapped to the shapes the local verifier takes (src/core/audit), so a shipped
// chain is checked by the same code as a local one, against the key pinned in the ledger.
import { createPublicKey, type KeyObject } from 'node:crypto';
import type { Checkpoint } from '../../core/audit/checkpoint.js';
import type { StoredEvent } from '../../core/audit/verify-chain.js';
import type { LedgerClient } from './ledger-connection.js';

export interface LedgerMachine {
  machineId: string;
  hostname: string;
  keyFingerprint: string;
  /** The pinned key: the only one this machine's checkpoints are checked against. */
  publicKey: KeyObject;
  registeredBy: string;
  registeredAt: string;
}

interface EventRow {
  seq: number; at: string; operator: string; machine: string; app_version: string; kind: string; run_id: string | null; step_idx: number | null;
  environment: string | null; target: string | null; body_sha256: string; prev_hash: string; hash: string; body_json: string | null;
}

export async function ledgerMachines(client: LedgerClient): Promise<LedgerMachine[]> {
  const result = await client.query<{ machine_id: string; hostname: string; key_fingerprint: string; public_key_pem: string; registered_by: string; registered_at: Date }>(
    'SELECT machine_id, hostname, key_fingerprint, public_key_pem, registered_by, registered_at FROM handrail.machines ORDER BY registered_at',
  );
  return result.rows.map((r) => ({
    machineId: r.machine_id, hostname: r.hostname, keyFingerprint: r.key_fingerprint, publicKey: createPublicKey(r.public_key_pem),
    registeredBy: r.registered_by, registeredAt: new Date(r.registered_at).toISOString(),
  }));
}

/** One machine's events with their bodies (null: not shipped), in seq order, a page at a time. */
export async function* ledgerChain(client: LedgerClient, machineId: string, pageSize = 5_000): AsyncGenerator<StoredEvent, void, undefined> {
  let after = 0;
  for (;;) {
    const { rows } = await client.query<EventRow>(
      `SELECT e.seq, e.at, e.operator, e.machine, e.app_version, e.kind, e.run_id, e.step_idx, e.environment, e.target, e.body_sha256, e.prev_hash, e.hash, b.body_json
         FROM handrail.audit_events e LEFT JOIN handrail.audit_bodies b ON b.machine_id = e.machine_id AND b.seq = e.seq
        WHERE e.machine_id = $1 AND e.seq > $2 ORDER BY e.seq LIMIT $3`,
      [machineId, after, pageSize],
    );
    for (const r of rows) {
      yield {
        // Numbers whatever the client's type parsers (bigint arrives as text by default).
        seq: Number(r.seq), at: r.at, operator: r.operator, machine: r.machine, appVersion: r.app_version, kind: r.kind, runId: r.run_id, stepIdx: r.step_idx,
        environment: r.environment, target: r.target, bodySha256: r.body_sha256, prevHash: r.prev_hash, hash: r.hash, bodyJson: r.body_json,
      };
    }
    const last = rows.at(-1);
    if (!last || rows.length < pageSize) return;
    after = Number(last.seq);
  }
}

export async function ledgerCheckpoints(client: LedgerClient, machineId: string): Promise<Checkpoint[]> {
  const { rows } = await client.query<{ seq: number; head_hash: string; at: string; signature: string; public_key_fingerprint: string; prev_checkpoint_hash: string | null }>(
    'SELECT seq, head_hash, at, signature, public_key_fingerprint, prev_checkpoint_hash FROM handrail.audit_checkpoints WHERE machine_id = $1 ORDER BY seq',
    [machineId],
  );
  return rows.map((r) => ({
    seq: Number(r.seq), headHash: r.head_hash, at: r.at, signature: r.signature, publicKeyFingerprint: r.public_key_fingerprint,
    ...(r.prev_checkpoint_hash === null ? {} : { prevCheckpointHash: r.prev_checkpoint_hash }),
  }));
}
