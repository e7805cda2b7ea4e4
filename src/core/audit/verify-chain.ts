// Recomputes an audit chain event by event and checks its checkpoints. Streaming (push one
// event at a time, in seq order), so a million events need no more memory than a thousand,
// and pure, so the same code can verify the app database or (later) an export file.
import type { KeyObject } from 'node:crypto';
import { GENESIS_HASH, bodySha256, eventHash, type ChainedEvent } from './chain-hash.js';
import { checkpointExpected } from './checkpoint-rules.js';
import { KEY_CREATED_EVENT, checkpointHash, checkpointSignatureValid, keyFingerprint, type Checkpoint } from './checkpoint.js';

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
  | 'key-replaced'
  | 'output-edited'
  | 'output-missing'
  | 'output-unrecorded'
  // A row beside the chain (runs, steps, snapshots, runbook_versions) that the chain contradicts.
  | 'record-mismatch'
  // An event that is not the one the team ledger holds of this machine (it was rewritten after it shipped).
  | 'ledger-differs';

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

/** An event's own hash and its body's hash, already recomputed (by a worker thread) for this event. */
export interface KnownHashes {
  hash: boolean;
  body: boolean;
}

export interface VerifyResult {
  ok: boolean;
  events: number;
  checkpoints: number;
  head: { seq: number; hash: string } | null;
  /** In seq order; problems[0] is the first bad event. At most MAX_PROBLEMS. */
  problems: AuditProblem[];
}

const MAX_PROBLEMS = 1000;

export class ChainVerifier {
  private prev: StoredEvent | undefined;
  private count = 0;
  private readonly problems: AuditProblem[] = [];
  private readonly bySeq: Map<number, Checkpoint>;
  private readonly sorted: Checkpoint[];
  /** The seq of the first linked (v2) checkpoint; from there on every run's end must be signed. */
  private readonly firstLinked: number;
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
    this.sorted = [...checkpoints].sort((a, b) => a.seq - b.seq);
    this.firstLinked = firstLinkedSeq(checkpoints);
  }

  /**
   * `count` events in seq order, ending with `last`, that a reader has found quiet one by one
   * (quietEvent() in verify-quiet.ts, each after its predecessor): push() would report nothing
   * for any of them and change nothing but the count and the predecessor, so they are taken
   * in one step. The first event of a stretch is always pushed, so its link to whatever came
   * before is checked here.
   */
  pushQuiet(count: number, last: StoredEvent): void {
    this.count += count;
    this.prev = last;
  }

  push(event: StoredEvent, known?: KnownHashes): void {
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
    } else if (!(known ? known.hash : hashMatches(event))) {
      this.add(event.seq, 'event-edited', `event ${event.seq} (${event.kind}) was edited after it was recorded: its fields no longer match its hash`);
    } else if (event.bodyJson === null) {
      this.add(event.seq, 'body-missing', `the body of event ${event.seq} (${event.kind}) is missing; the chain still holds its SHA-256 ${event.bodySha256.slice(0, 12)}…`);
    } else if (!(known ? known.body : bodySha256(event.bodyJson) === event.bodySha256)) {
      this.add(event.seq, 'body-edited', `the body of event ${event.seq} (${event.kind}) was edited: its SHA-256 no longer matches the one in the chain`);
    }
    if (event.kind === KEY_CREATED_EVENT) this.checkKeyCreated(event);
    const cp = this.bySeq.get(event.seq);
    const why = checkpointExpected(event, event.seq >= this.firstLinked);
    if (cp) {
      if (cp.headHash === event.hash) {
        this.lastGoodCheckpoint = event.seq;
      } else {
        this.add(event.seq, 'checkpoint-mismatch',
          `event ${event.seq} is not the event checkpointed at ${cp.at}: the chain was rewritten after seq ${this.lastGoodCheckpoint} (the last checkpoint that matches) and up to seq ${event.seq}`);
      }
    } else if (why !== null) {
      this.add(event.seq, 'checkpoint-missing',
        `the signed checkpoint at seq ${event.seq} is missing (${why}): it was deleted, and the events before it may have been rewritten since seq ${this.lastGoodCheckpoint} (the last checkpoint that matches); or it was never signed because the chain was already broken before it`);
    }
  }

  /** The key whose creation the chain records must be the key everything is checked against. */
  private checkKeyCreated(event: StoredEvent): void {
    const recorded = recordedFingerprint(event.bodyJson);
    if (recorded === undefined) return;
    if (!this.publicKey) {
      this.add(event.seq, 'key-missing',
        `the chain records that key ${recorded} was created at ${event.at} (event ${event.seq}), but this data directory has no audit signing key (keys/): it was deleted or moved; restore keys/ from a backup`);
      return;
    }
    const actual = keyFingerprint(this.publicKey);
    if (actual !== recorded) {
      this.add(event.seq, 'key-replaced',
        `the chain records that key ${recorded} was created at ${event.at} (event ${event.seq}), but it is checked against this data directory's key, ${actual}: the key was replaced, and only the recorded one can vouch for this trail`);
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
    this.checkLinks();
    const trusted = this.publicKey && keyFingerprint(this.publicKey);
    for (const cp of this.checkpoints) {
      if (!this.publicKey) {
        this.add(cp.seq, 'key-missing', `the checkpoint at seq ${cp.seq} cannot be checked: this data directory has no audit signing key (keys/)`);
        break;
      }
      if (cp.publicKeyFingerprint !== trusted) {
        this.add(cp.seq, 'bad-signature', `the checkpoint at seq ${cp.seq} (${cp.at}) names key ${cp.publicKeyFingerprint}, not this data directory's key ${trusted}: it was forged, or the key was replaced`);
      } else if (!checkpointSignatureValid(cp, this.publicKey)) {
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

  /**
   * Each v2 checkpoint names the hash of the one before it. v1 checkpoints (written before
   * links existed, still in older data directories) name none: the links start at the first
   * v2 checkpoint, which names the last v1 one (or GENESIS_HASH in a chain that had none). A
   * partial check takes the first checkpoint it is given on trust, as it does its first event.
   */
  private checkLinks(): void {
    this.sorted.forEach((cp, i) => {
      if (cp.prevCheckpointHash === undefined) return;
      const before = this.sorted[i - 1];
      if (!before) {
        if (this.from === 1 && cp.prevCheckpointHash !== GENESIS_HASH) {
          this.add(cp.seq, 'checkpoint-missing',
            `the first checkpoint (seq ${cp.seq}, signed at ${cp.at}) links to an earlier checkpoint that is not there: every checkpoint before seq ${cp.seq} was deleted`);
        }
        return;
      }
      if (cp.prevCheckpointHash !== checkpointHash(before)) {
        this.add(cp.seq, 'checkpoint-missing',
          `the checkpoint at seq ${cp.seq} (signed at ${cp.at}) does not link to the checkpoint before it (seq ${before.seq}): a checkpoint between them was deleted, or the one at seq ${before.seq} was inserted or altered`);
      }
    });
  }

  /** A problem found outside the chain itself (stored output that no longer matches it). */
  report(seq: number, kind: AuditProblemKind, message: string): void {
    this.add(seq, kind, message);
  }

  private add(seq: number, kind: AuditProblemKind, message: string): void {
    if (this.problems.length < MAX_PROBLEMS) this.problems.push({ seq, kind, message });
  }
}

/** The seq of the chain's first linked (v2) checkpoint; Infinity when there is none. */
export function firstLinkedSeq(checkpoints: readonly Checkpoint[]): number {
  let first = Infinity;
  for (const cp of checkpoints) if (cp.prevCheckpointHash !== undefined && cp.seq < first) first = cp.seq;
  return first;
}

function recordedFingerprint(bodyJson: string | null): string | undefined {
  if (bodyJson === null) return undefined;
  try {
    const body = JSON.parse(bodyJson) as { fingerprint?: unknown } | null;
    return typeof body?.fingerprint === 'string' ? body.fingerprint : undefined;
  } catch {
    return undefined;
  }
}

/** A malformed stored prev_hash (not 64 hex digits) is an edit like any other, not a crash. */
export function hashMatches(event: StoredEvent): boolean {
  try {
    return eventHash(event.prevHash, event) === event.hash;
  } catch {
    return false;
  }
}
