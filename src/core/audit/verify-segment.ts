// Checks one stretch of a machine's chain as the team ledger holds it: the events from one
// seq to another, read contiguously, and the checkpoints that fall in it, against the key
// pinned for that machine (never the key the rows name). A lead's listing checks each run
// shown this way, from its first event to its last, so the cost follows the page, not the
// ledger: a run's end is signed, and rewriting any event before it breaks the signature.
// Pure: the caller reads the rows.
import type { KeyObject } from 'node:crypto';
import type { Checkpoint } from './checkpoint.js';
import { ChainVerifier, type AuditProblem, type StoredEvent } from './verify-chain.js';

export interface SegmentCheck {
  events: number;
  /** In seq order; empty when the stretch is intact. */
  problems: AuditProblem[];
}

/**
 * `events`: the machine's events with seq from `from` on, in seq order, up to the stretch's
 * end. `checkpoints`: those at or before the last event (the ones before `from` are used only
 * to check the first link; pass at least the last of them). The first event's link to its
 * predecessor is taken on trust, as the start-up tail check does; every other link, hash,
 * body, checkpoint and signature in the stretch is checked.
 */
export function verifySegment(from: number, events: Iterable<StoredEvent>, checkpoints: readonly Checkpoint[], publicKey: KeyObject | undefined): SegmentCheck {
  const sorted = [...checkpoints].sort((a, b) => a.seq - b.seq);
  const before = sorted.filter((cp) => cp.seq < from).at(-1);
  const inside = sorted.filter((cp) => cp.seq >= from);
  const verifier = new ChainVerifier(before ? [before, ...inside] : inside, publicKey, from);
  for (const event of events) verifier.push(event);
  const result = verifier.finish();
  return { events: result.events, problems: result.problems };
}
