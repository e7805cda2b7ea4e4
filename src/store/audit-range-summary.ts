// One stretch of the chain as `audit verify`'s readers send it to the verifying thread: each
// event that needs the verifier's attention as it is, with its hashes already recomputed, and
// each run of quiet events (see core/audit/verify-quiet.ts) as a count and its last event.
import type { Database } from 'better-sqlite3';
import { bodySha256 } from '../core/audit/chain-hash.js';
import { OUTPUT_EVENT } from '../core/audit/output-event.js';
import { hashMatches, type KnownHashes, type StoredEvent } from '../core/audit/verify-chain.js';
import { quietEvent, type QuietRules } from '../core/audit/verify-quiet.js';
import { outputProblem } from './audit-output-check.js';
import { toStoredEvent, type AuditEventRow } from './audit-rows.js';

export type RangeItem = { event: StoredEvent; known: KnownHashes } | { quiet: number; last: StoredEvent };

/** Events `from` to `to` (seqs, inclusive) as the verifier needs them; the first is never folded in. */
export function summarizeRange(db: Database, from: number, to: number, rules: QuietRules): RangeItem[] {
  const rows = db
    .prepare('SELECT e.*, b.body_json FROM audit_events e LEFT JOIN audit_bodies b ON b.seq = e.seq WHERE e.seq BETWEEN ? AND ? ORDER BY e.seq')
    .iterate(from, to) as IterableIterator<AuditEventRow>;
  const items: RangeItem[] = [];
  let prev: StoredEvent | undefined;
  let quiet = 0;
  for (const row of rows) {
    const event = toStoredEvent(row);
    const known = { hash: hashMatches(event), body: event.bodyJson !== null && bodySha256(event.bodyJson) === event.bodySha256 };
    if (prev && quietEvent(prev, event, known, rules) && (event.kind !== OUTPUT_EVENT || outputProblem(db, event) === undefined)) {
      quiet++;
    } else {
      if (quiet > 0 && prev) items.push({ quiet, last: prev });
      quiet = 0;
      items.push({ event, known });
    }
    prev = event;
  }
  if (quiet > 0 && prev) items.push({ quiet, last: prev });
  return items;
}
