// Reads the audit chain's tail (the events since the last checkpoint) for the start-up check.
import type { KeyObject } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import type { Checkpoint } from '../core/audit/checkpoint.js';
import type { StoredEvent } from '../core/audit/verify-chain.js';
import { tailStart, verifyTail, type TailCheck } from '../core/audit/verify-tail.js';
import { toStoredEvent, type AuditEventRow } from './audit-rows.js';

/** `checkpoints` reads the chain's checkpoints (inside the same read transaction as the events). */
export function checkAuditTail(db: Database, checkpointsOf: () => Checkpoint[], publicKey: KeyObject | undefined): TailCheck {
  // One read transaction: the checkpoints and the events are of the same moment.
  return db.transaction(() => {
    const checkpoints = checkpointsOf();
    const rows = db
      .prepare('SELECT e.*, b.body_json FROM audit_events e LEFT JOIN audit_bodies b ON b.seq = e.seq WHERE e.seq >= ? ORDER BY e.seq')
      .iterate(tailStart(checkpoints)) as IterableIterator<AuditEventRow>;
    return verifyTail(mapRows(rows), checkpoints, publicKey);
  })();
}

function* mapRows(rows: Iterable<AuditEventRow>): Generator<StoredEvent> {
  for (const row of rows) yield toStoredEvent(row);
}
