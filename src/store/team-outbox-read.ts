// What the outbox ships to the team ledger, read from this data folder's store a page at a
// time (the same rows `audit verify` reads), so a long trail never sits in memory at once.
import type { Database } from 'better-sqlite3';
import type { Checkpoint } from '../core/audit/checkpoint.js';
import type { StoredEvent } from '../core/audit/verify-chain.js';
import { toStoredEvent, type AuditEventRow } from './audit-rows.js';

/** Events after `after`, in seq order, with their bodies (null when the body row is gone). */
export function eventsAfter(db: Database, after: number, limit: number): StoredEvent[] {
  const rows = db
    .prepare('SELECT e.*, b.body_json FROM audit_events e LEFT JOIN audit_bodies b ON b.seq = e.seq WHERE e.seq > ? ORDER BY e.seq LIMIT ?')
    .all(after, limit) as AuditEventRow[];
  return rows.map(toStoredEvent);
}

/** The local event at `seq`, or undefined when the trail does not reach it. */
export function eventAt(db: Database, seq: number): StoredEvent | undefined {
  const row = db.prepare('SELECT e.*, b.body_json FROM audit_events e LEFT JOIN audit_bodies b ON b.seq = e.seq WHERE e.seq = ?').get(seq) as AuditEventRow | undefined;
  return row && toStoredEvent(row);
}

/** Checkpoints with from < seq <= to, in order. */
export function checkpointsBetween(db: Database, from: number, to: number): Checkpoint[] {
  const rows = db.prepare('SELECT * FROM audit_checkpoints WHERE seq > ? AND seq <= ? ORDER BY seq').all(from, to) as {
    seq: number; head_hash: string; at: string; signature: string; public_key_fingerprint: string; prev_checkpoint_hash: string | null;
  }[];
  return rows.map((r) => ({
    seq: r.seq, headHash: r.head_hash, at: r.at, signature: r.signature, publicKeyFingerprint: r.public_key_fingerprint,
    ...(r.prev_checkpoint_hash === null ? {} : { prevCheckpointHash: r.prev_checkpoint_hash }),
  }));
}

export interface StoredOutputRow {
  runId: string;
  idx: number;
  attempt: number;
  seq: number;
  stream: string;
  rawBytes: number;
  /** Raw DEFLATE, as stored: shipped compressed. */
  data: Buffer;
}

/** One output chunk as stored (compressed), or undefined. */
export function storedOutputChunk(db: Database, key: { runId: string; idx: number; attempt: number }, chunk: number): StoredOutputRow | undefined {
  const row = db
    .prepare('SELECT run_id, idx, attempt, seq, stream, raw_bytes, data FROM step_output WHERE run_id = ? AND idx = ? AND attempt = ? AND seq = ?')
    .get(key.runId, key.idx, key.attempt, chunk) as { run_id: string; idx: number; attempt: number; seq: number; stream: string; raw_bytes: number; data: Buffer } | undefined;
  return row && { runId: row.run_id, idx: row.idx, attempt: row.attempt, seq: row.seq, stream: row.stream, rawBytes: row.raw_bytes, data: row.data };
}

export function lastSeq(db: Database): number {
  return (db.prepare('SELECT max(seq) FROM audit_events').pluck().get() as number | null) ?? 0;
}

/** The local hashes of events from..to (inclusive), by seq. */
export function localHashes(db: Database, from: number, to: number): Map<number, string> {
  const rows = db.prepare('SELECT seq, hash FROM audit_events WHERE seq BETWEEN ? AND ? ORDER BY seq').all(from, to) as { seq: number; hash: string }[];
  return new Map(rows.map((r) => [r.seq, r.hash]));
}
