// Which events of the chain a reader may hand to the verifier in bulk. `audit verify` reads
// stretches of the chain on worker threads; most events are quiet (nothing to report, no
// checkpoint due) and only the others travel back to the verifying thread one by one, so
// that thread no longer reads a million rows itself. Pure; mirrors ChainVerifier.push().
import { checkpointExpected } from './checkpoint-rules.js';
import { KEY_CREATED_EVENT, type Checkpoint } from './checkpoint.js';
import { firstLinkedSeq, type KnownHashes, type StoredEvent } from './verify-chain.js';

/** What a reader of part of the chain must know of its checkpoints. */
export interface QuietRules {
  checkpointSeqs: ReadonlySet<number>;
  firstLinked: number;
}

export function quietRules(checkpoints: readonly Checkpoint[]): QuietRules {
  return { checkpointSeqs: new Set(checkpoints.map((cp) => cp.seq)), firstLinked: firstLinkedSeq(checkpoints) };
}

/**
 * Whether push() would find nothing to say about `event` after `prev`: the next seq, linked to
 * `prev`, its own hash and its body's matching, no key created, no checkpoint standing or due
 * there. Anything else (even a checkpoint that matches) goes to the verifier as it is.
 */
export function quietEvent(prev: StoredEvent, event: StoredEvent, known: KnownHashes, rules: QuietRules): boolean {
  return (
    event.seq === prev.seq + 1 &&
    event.prevHash === prev.hash &&
    known.hash &&
    event.bodyJson !== null &&
    known.body &&
    event.kind !== KEY_CREATED_EVENT &&
    !rules.checkpointSeqs.has(event.seq) &&
    checkpointExpected(event, event.seq >= rules.firstLinked) === null
  );
}
