// Reads the audit chain's tail (the events since the last checkpoint) for the start-up check.
import type { KeyObject } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import type { StoredEvent } from '../core/audit/verify-chain.js';
import { tailStart, verifyTail, type TailCheck } from '../core/audit/verify-tail.js';
import type { AuditChain } from './audit-chain.js';

interface TailRow {
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
  body_json: string | null;
}

export function checkAuditTail(db: Database, chain: AuditChain, publicKey: KeyObject | undefined): TailCheck {
  // One read transaction: the checkpoints and the events are of the same moment.
  return db.transaction(() => {
    const checkpoints = chain.checkpoints();
    const rows = db
      .prepare('SELECT e.*, b.body_json FROM audit_events e LEFT JOIN audit_bodies b ON b.seq = e.seq WHERE e.seq >= ? ORDER BY e.seq')
      .iterate(tailStart(checkpoints)) as IterableIterator<TailRow>;
    return verifyTail(mapRows(rows), checkpoints, publicKey);
  })();
}

function* mapRows(rows: Iterable<TailRow>): Generator<StoredEvent> {
  for (const r of rows) {
    yield {
      seq: r.seq,
      at: r.at,
      operator: r.operator,
      machine: r.machine,
      appVersion: r.app_version,
      kind: r.kind,
      runId: r.run_id,
      stepIdx: r.step_idx,
      environment: r.environment,
      target: r.target,
      bodySha256: r.body_sha256,
      prevHash: r.prev_hash,
      hash: r.hash,
      bodyJson: r.body_json,
    };
  }
}
