// Where the chain must carry a signed checkpoint. The store signs at each of these places in
// the same transaction as the event (src/store/audit-chain.ts), and verification expects one
// there, so deleting the checkpoints that would expose a rewrite leaves a hole that is named.
// Defined once here so the writer and every verifier agree. Pure.
import type { AuditFields } from './chain-hash.js';

/** The store writes a checkpoint at every multiple of this seq. */
export const CHECKPOINT_EVERY = 1000;

/**
 * A run's last event before it stops: the run finished (succeeded, failed, aborted) or was
 * interrupted (it may be resumed later, and ends again then). Each is signed where it stands.
 */
export const RUN_END_KINDS: ReadonlySet<string> = new Set(['run.succeeded', 'run.failed', 'run.aborted', 'run.interrupted']);

/**
 * Before checkpoints were linked (format v1), Handrail signed only a run's end through the run
 * service (succeeded, failed, and an abort there) and every 1,000th event: an interrupted run
 * was signed at whatever the head was once all interruptions were noticed, and a run aborted
 * in the console after an interruption was not signed. Those older events are held to the
 * rules they were written under, so a data directory from before keeps verifying; everything
 * from the first v2 checkpoint on is held to RUN_END_KINDS. Someone who rewrites from before
 * the first v2 checkpoint must delete every v2 checkpoint, and still leaves every succeeded or
 * failed run after the rewrite without its checkpoint.
 */
const RUN_END_KINDS_V1: ReadonlySet<string> = new Set(['run.succeeded', 'run.failed']);

/**
 * A lead's acknowledgement of a broken trail is signed with it, explicitly (the automatic
 * signature above refuses a broken tail), so it is expected there too.
 */
const ACKNOWLEDGED = 'audit.acknowledged';

/** Whether the store signs a checkpoint with this event (before it knows whether the tail is intact). */
export function signsWith(event: Pick<AuditFields, 'seq' | 'kind' | 'runId'>): boolean {
  return event.seq % CHECKPOINT_EVERY === 0 || (event.runId !== null && RUN_END_KINDS.has(event.kind));
}

/**
 * Why a checkpoint must stand at this event, or null. `linked`: the event comes at or after
 * the chain's first v2 checkpoint (see RUN_END_KINDS_V1).
 */
export function checkpointExpected(event: Pick<AuditFields, 'seq' | 'kind' | 'runId'>, linked: boolean): string | null {
  if (event.runId !== null && (linked ? RUN_END_KINDS : RUN_END_KINDS_V1).has(event.kind)) {
    return `run ${event.runId} ended there (${event.kind}), and every run's end is signed`;
  }
  if (linked && event.kind === ACKNOWLEDGED) return 'a broken trail was acknowledged there, and every acknowledgement is signed';
  if (event.seq % CHECKPOINT_EVERY === 0) return `one is written every ${CHECKPOINT_EVERY} events`;
  return null;
}
