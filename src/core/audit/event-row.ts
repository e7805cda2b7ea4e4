// One audit event as a database returns it (audit_events joined with its body: the local
// SQLite store and the team ledger's PostgreSQL tables have the same columns), and its mapping
// to the verifier's StoredEvent: the chain, the tail check, the exporter and the lead's
// ledger reads all read the same row.
import type { Checkpoint } from './checkpoint.js';
import type { StoredEvent } from './verify-chain.js';

export interface AuditEventRow {
  seq: number;
  at: string;
  operator: string;
  machine: string;
  app_version: string;
  kind: string;
  run_id: string | null;
  step_idx: number | null;
  environment: string | null;
  target: string | null;
  body_sha256: string;
  prev_hash: string;
  hash: string;
  /** null when the body row is missing (purged, or deleted by someone). */
  body_json: string | null;
}

export function toStoredEvent(row: AuditEventRow): StoredEvent {
  return {
    // Number(): a PostgreSQL driver may hand a bigint column over as a string.
    seq: Number(row.seq),
    at: row.at,
    operator: row.operator,
    machine: row.machine,
    appVersion: row.app_version,
    kind: row.kind,
    runId: row.run_id,
    stepIdx: row.step_idx,
    environment: row.environment,
    target: row.target,
    bodySha256: row.body_sha256,
    prevHash: row.prev_hash,
    hash: row.hash,
    bodyJson: row.body_json,
  };
}

/** One signed checkpoint as either database returns it (audit_checkpoints, the ledger's checkpoints). */
export interface CheckpointRow {
  seq: number;
  head_hash: string;
  at: string;
  signature: string;
  public_key_fingerprint: string;
  /** NULL: a v1 checkpoint, written before checkpoints were linked. */
  prev_checkpoint_hash: string | null;
}

export function toCheckpoint(r: CheckpointRow): Checkpoint {
  return {
    // Number(): as for events, a bigint column may come over as a string.
    seq: Number(r.seq),
    headHash: r.head_hash,
    at: r.at,
    signature: r.signature,
    publicKeyFingerprint: r.public_key_fingerprint,
    ...(r.prev_checkpoint_hash === null ? {} : { prevCheckpointHash: r.prev_checkpoint_hash }),
  };
}
