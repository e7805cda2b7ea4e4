// The start-up check: the events since the last signed checkpoint, verified with the same
// ChainVerifier as `audit verify`. Everything up to that checkpoint was verified when it was
// signed (and `audit verify` checks it all); the tail is what nobody has signed yet, so it is
// where an edit made since the last run would sit. Pure: the caller reads the rows.
import type { KeyObject } from 'node:crypto';
import type { Checkpoint } from './checkpoint.js';
import { ChainVerifier, type AuditProblem, type StoredEvent } from './verify-chain.js';

export interface TailCheck {
  /** The seq the check started at: the last checkpoint's (1 when there is none). */
  from: number;
  events: number;
  /** The first problem, or null when the tail is intact. */
  problem: AuditProblem | null;
}

/** The seq to read from: the last checkpoint's event, so its link to the next one is checked. */
export function tailStart(checkpoints: readonly Checkpoint[]): number {
  return checkpoints.reduce((max, cp) => Math.max(max, cp.seq), 0) || 1;
}

/**
 * `events` are those with seq ≥ tailStart(checkpoints), in seq order. Only the last checkpoint
 * is checked (its signature, that it matches its event, and its link to the one before it),
 * and every run that ended in the tail must have been signed there.
 */
export function verifyTail(events: Iterable<StoredEvent>, checkpoints: readonly Checkpoint[], publicKey: KeyObject | undefined): TailCheck {
  const from = tailStart(checkpoints);
  const sorted = [...checkpoints].sort((a, b) => a.seq - b.seq);
  const last = sorted.filter((cp) => cp.seq === from);
  const before = sorted.filter((cp) => cp.seq < from).at(-1);
  const verifier = new ChainVerifier(before ? [before, ...last] : last, publicKey, from);
  let first: StoredEvent | undefined;
  for (const event of events) {
    first ??= event;
    verifier.push(event);
  }
  const result = verifier.finish();
  const cp = last[0];
  if (cp && first?.seq !== cp.seq) {
    // The checkpointed event itself is gone: the chain was cut below a signed checkpoint.
    return { from, events: result.events, problem: { seq: cp.seq, kind: 'truncated', message: `event ${cp.seq}, covered by the checkpoint signed at ${cp.at}, is missing: the chain was cut below it` } };
  }
  return { from, events: result.events, problem: result.problems[0] ?? null };
}
