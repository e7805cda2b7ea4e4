// One stretch of the chain as `audit verify`'s readers send it to the verifying thread: each
// event that needs the verifier's attention as it is, with its hashes already recomputed, and
// each run of quiet events (see core/audit/verify-quiet.ts) as a count and its last event.
import type { Database } from 'better-sqlite3';
import { bodySha256 } from '../core/audit/chain-hash.js';
import { OUTPUT_EVENT } from '../core/audit/output-event.js';
import { hashMatches, type KnownHashes, type StoredEvent } from '../core/audit/verify-chain.js';
import { quietEvent, type QuietRules } from '../core/audit/verify-quiet.js';
import { outputProblem } from './audit-output-check.js';

type RawEventRow = [number, string, string, string, string, string, string | null, number | null, string | null, string | null, string, string, string, string | null];

export type RangeItem = { event: StoredEvent; known: KnownHashes } | { quiet: number; last: StoredEvent };

/** Events `from` to `to` (seqs, inclusive) as the verifier needs them; the first is never folded in. */
export function summarizeRange(db: Database, from: number, to: number, rules: QuietRules): RangeItem[] {
  // Rows as arrays, in StoredEvent's order: a million rows read as objects and then mapped
  // cost a second object each, and the garbage collection that goes with it.
  const rows = db
    .prepare(
      `SELECT e.seq, e.at, e.operator, e.machine, e.app_version, e.kind, e.run_id, e.step_idx, e.environment, e.target,
         e.body_sha256, e.prev_hash, e.hash, b.body_json
       FROM audit_events e LEFT JOIN audit_bodies b ON b.seq = e.seq WHERE e.seq BETWEEN ? AND ? ORDER BY e.seq`,
    )
    .raw()
    .iterate(from, to) as IterableIterator<RawEventRow>;
  const items: RangeItem[] = [];
  let prev: StoredEvent | undefined;
  let quiet = 0;
  for (const r of rows) {
    const event: StoredEvent = { seq: r[0], at: r[1], operator: r[2], machine: r[3], appVersion: r[4], kind: r[5], runId: r[6], stepIdx: r[7],
      environment: r[8], target: r[9], bodySha256: r[10], prevHash: r[11], hash: r[12], bodyJson: r[13] };
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
