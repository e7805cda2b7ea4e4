// Recomputes an audit chain event by event and checks its checkpoints. Streaming (push one
// event at a time, in seq order), so a million events need no more memory than a thousand,
// and pure, so the same code can verify the app database or (later) an export file.
import type { KeyObject } from 'node:crypto';
import { GENESIS_HASH, bodySha256, eventHash, type ChainedEvent } from './chain-hash.js';
import { checkpointSignatureValid, type Checkpoint } from './checkpoint.js';

export type AuditProblemKind =
  | 'event-missing'
  | 'inserted'
  | 'out-of-order'
  | 'event-edited'
  | 'body-edited'
  | 'body-missing'
  | 'checkpoint-mismatch'
  | 'checkpoint-missing'
  | 'truncated'
  | 'bad-signature'
  | 'key-missing'
  | 'output-edited'
  | 'output-missing'
  | 'output-unrecorded'
  // A row beside the chain (runs, steps, snapshots, runbook_versions) that the chain contradicts.
  | 'record-mismatch';

export interface AuditProblem {
  /** The first event the problem concerns. */
  seq: number;
  kind: AuditProblemKind;
  message: string;
}

/** A chained event with its body as stored (null: no body row). */
export interface StoredEvent extends ChainedEvent {
  bodyJson: string | null;
}

export interface VerifyResult {
  ok: boolean;
  events: number;
  checkpoints: number;
  head: { seq: number; hash: string } | null;
  /** In seq order; problems[0] is the first bad event. At most MAX_PROBLEMS. */
  problems: AuditProblem[];
}

/** The store writes a checkpoint at every multiple of this seq (in the same transaction). */
export const CHECKPOINT_EVERY = 1000;
const MAX_PROBLEMS = 1000;

export class ChainVerifier {
  private prev: StoredEvent | undefined;
  private count = 0;
  private readonly problems: AuditProblem[] = [];
  private readonly bySeq: Map<number, Checkpoint>;
  private lastGoodCheckpoint = 0;

  constructor(
    private readonly checkpoints: readonly Checkpoint[],
    /** The trusted public key (from this machine, never from the data being verified). */
    private readonly publicKey: KeyObject | undefined,
    /**
     * Where a partial check starts (the start-up tail check): that event's link to its
     * predecessor, which is not read, is taken on trust; its own hash is still checked.
     */
    private readonly from = 1,
  ) {
    this.bySeq = new Map(checkpoints.map((cp) => [cp.seq, cp]));
  }

  push(event: StoredEvent): void {
    const prev = this.prev;
    const expected = prev ? prev.seq + 1 : this.from;
    this.count++;
    this.prev = event;
    // One problem per event, the most telling first: a gap explains the broken link after it.
    if (event.seq !== expected) {
      const range = event.seq - 1 > expected ? `events ${expected} to ${event.seq - 1} are` : `event ${expected} is`;
      this.add(expected, 'event-missing', `${range} missing: the chain jumps from ${prev ? `seq ${prev.seq}` : 'its start'} to seq ${event.seq}; an event was deleted`);
    } else if (prev ? event.prevHash !== prev.hash : this.from === 1 && event.prevHash !== GENESIS_HASH) {
      if (prev && event.prevHash === prev.prevHash) {
        this.add(prev.seq, 'inserted', `event ${prev.seq} (${prev.kind}) was inserted: event ${event.seq} links to the same predecessor`);
      } else {
        this.add(event.seq, 'out-of-order', `event ${event.seq} (${event.kind}) does not link to event ${expected - 1}: events were reordered, inserted or removed here`);
      }
    } else if (!hashMatches(event)) {
      this.add(event.seq, 'event-edited', `event ${event.seq} (${event.kind}) was edited after it was recorded: its fields no longer match its hash`);
    } else if (event.bodyJson === null) {
      this.add(event.seq, 'body-missing', `the body of event ${event.seq} (${event.kind}) is missing; the chain still holds its SHA-256 ${event.bodySha256.slice(0, 12)}…`);
    } else if (bodySha256(event.bodyJson) !== event.bodySha256) {
      this.add(event.seq, 'body-edited', `the body of event ${event.seq} (${event.kind}) was edited: its SHA-256 no longer matches the one in the chain`);
    }
    const cp = this.bySeq.get(event.seq);
    if (cp) {
      if (cp.headHash === event.hash) {
        this.lastGoodCheckpoint = event.seq;
      } else {
        this.add(event.seq, 'checkpoint-mismatch',
          `event ${event.seq} is not the event checkpointed at ${cp.at}: the chain was rewritten after seq ${this.lastGoodCheckpoint} (the last checkpoint that matches) and up to seq ${event.seq}`);
      }
    } else if (event.seq % CHECKPOINT_EVERY === 0) {
      this.add(event.seq, 'checkpoint-missing', `the checkpoint at seq ${event.seq} (one is written every ${CHECKPOINT_EVERY} events) was deleted`);
    }
  }

  finish(): VerifyResult {
    const last = this.prev?.seq ?? 0;
    const beyond = this.checkpoints.filter((cp) => cp.seq > last).sort((a, b) => a.seq - b.seq);
    const furthest = beyond[beyond.length - 1];
    if (furthest) {
      this.add(last + 1, 'truncated',
        `the chain ends at seq ${last}, but a checkpoint signed at ${furthest.at} covers events up to seq ${furthest.seq}: events ${last + 1} to ${furthest.seq} were removed`);
    }
    for (const cp of this.checkpoints) {
      if (!this.publicKey) {
        this.add(cp.seq, 'key-missing', `the checkpoint at seq ${cp.seq} cannot be checked: this data directory has no audit signing key (keys/)`);
        break;
      }
      if (!checkpointSignatureValid(cp, this.publicKey)) {
        this.add(cp.seq, 'bad-signature', `the checkpoint at seq ${cp.seq} (${cp.at}) does not carry a valid signature of this data directory's key: it was forged or altered`);
      }
    }
    const problems = [...this.problems].sort((a, b) => a.seq - b.seq);
    return {
      ok: problems.length === 0,
      events: this.count,
      checkpoints: this.checkpoints.length,
      head: this.prev ? { seq: this.prev.seq, hash: this.prev.hash } : null,
      problems,
    };
  }

  /** A problem found outside the chain itself (stored output that no longer matches it). */
  report(seq: number, kind: AuditProblemKind, message: string): void {
    this.add(seq, kind, message);
  }

  private add(seq: number, kind: AuditProblemKind, message: string): void {
    if (this.problems.length < MAX_PROBLEMS) this.problems.push({ seq, kind, message });
  }
}

/** A malformed stored prev_hash (not 64 hex digits) is an edit like any other, not a crash. */
function hashMatches(event: StoredEvent): boolean {
  try {
    return eventHash(event.prevHash, event) === event.hash;
  } catch {
    return false;
  }
}
