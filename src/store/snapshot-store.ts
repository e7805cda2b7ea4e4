// The record of snapshots: written once a snapshot is verified and in place, never before.
import { byPrefix, type ByPrefix, ID_PREFIX_WHERE, prefixPattern } from './id-prefix.js';
import type { Database } from 'better-sqlite3';
import type { Snapshot } from '../contract/snapshot.js';
import type { StoredEvent } from '../core/audit/verify-chain.js';
import { allSnapshotRecords, chainStart, snapshotVerifiedEvent } from './run-record-read.js';

interface SnapshotRow {
  id: string;
  run_id: string | null;
  step_idx: number | null;
  environment: string;
  target: string;
  kind: 'sqlite' | 'postgres';
  location: string;
  path: string;
  bytes: number;
  sha256: string;
  verified: number;
  reason: Snapshot['reason'];
  operator: string;
  created_at: string;
  deleted_at: string | null;
}

const toSnapshot = (r: SnapshotRow): Snapshot => ({
  id: r.id,
  runId: r.run_id,
  step: r.step_idx,
  environment: r.environment,
  target: r.target,
  kind: r.kind,
  location: r.location,
  path: r.path,
  bytes: r.bytes,
  sha256: r.sha256,
  verified: r.verified === 1,
  reason: r.reason,
  operator: r.operator,
  createdAt: r.created_at,
  deletedAt: r.deleted_at,
});

export class SnapshotStore {
  constructor(private readonly db: Database) {}

  record(s: Omit<Snapshot, 'deletedAt'>): Snapshot {
    this.db
      .prepare(
        `INSERT INTO snapshots (id, run_id, step_idx, environment, target, kind, location, path, bytes, sha256, verified, reason, operator, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(s.id, s.runId, s.step, s.environment, s.target, s.kind, s.location, s.path, s.bytes, s.sha256, s.verified ? 1 : 0, s.reason, s.operator, s.createdAt);
    return { ...s, deletedAt: null };
  }

  get(id: string): Snapshot | undefined {
    const row = this.db.prepare('SELECT * FROM snapshots WHERE id = ?').get(id) as SnapshotRow | undefined;
    return row && toSnapshot(row);
  }

  /** The snapshot with this id, or the one snapshot (deleted ones too) whose id starts with it. */
  find(ref: string): ByPrefix<Snapshot> {
    const exact = this.get(ref);
    if (exact) return { found: exact };
    const rows = this.db.prepare(`SELECT * FROM snapshots WHERE ${ID_PREFIX_WHERE} ORDER BY id LIMIT 2`).all(prefixPattern(ref), ref, ref) as SnapshotRow[];
    return byPrefix(rows.map(toSnapshot));
  }

  /** Newest first; deleted ones only when asked for. */
  list(options: { includeDeleted?: boolean } = {}): Snapshot[] {
    const where = options.includeDeleted ? '' : 'WHERE deleted_at IS NULL';
    return (this.db.prepare(`SELECT * FROM snapshots ${where} ORDER BY created_at DESC, id`).all() as SnapshotRow[]).map(toSnapshot);
  }

  /** The chain's snapshot.verified event for this snapshot (what a restore trusts), if any. */
  verifiedEvent(snapshot: Pick<Snapshot, 'id' | 'runId'>): StoredEvent | undefined {
    return snapshotVerifiedEvent(this.db, snapshot.id, snapshot.runId);
  }

  /** Every snapshot.verified event's body by snapshot id, and when the chain began (to check a list). */
  verifiedRecords(): { records: Map<string, { seq: number; body: Record<string, unknown> }>; chainStart: string | null } {
    return this.db.transaction(() => ({ records: allSnapshotRecords(this.db), chainStart: chainStart(this.db) }))();
  }

  markDeleted(id: string, at: string): void {
    this.db.prepare('UPDATE snapshots SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL').run(at, id);
  }

  /** Runs that are not over (running, interrupted): their snapshots are never deleted. */
  openRunIds(): Set<string> {
    return new Set(this.db.prepare("SELECT id FROM runs WHERE status IN ('running', 'interrupted')").pluck().all() as string[]);
  }
}
