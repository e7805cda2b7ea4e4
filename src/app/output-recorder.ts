// A step's output on its way into the store. Committing is what makes output durable, and each
// commit is an fsync (synchronous=FULL): one per 64 KiB pipe read, or even per MiB, cost more
// than the step itself (1,024 commits for a gigabyte, each holding up the main thread while
// the step's pipe fills and the step waits). So output is cut into chunks of CHUNK_BYTES,
// each compressed and hashed on libuv's thread pool as soon as it is cut, and the chunks that
// are ready are committed together: every COMMIT_MS, or once COMMIT_BYTES are ready to be
// written. A ready chunk holds only its compressed form (a twentieth of a log's bytes), so a
// beat's worth of fast output waits in little memory and is written in one commit: the time
// a commit holds the main thread goes with the bytes written and the fsyncs, not with the
// bytes printed. What the step's record reports as stored is always what was committed,
// never more; a crash loses only output not yet reported. A state change commits everything
// first (commitAll).
import type { OutputStream } from '../core/engine/ports.js';
import { keptAsItCame } from '../store/output-codec.js';
import { type PreparedChunk, prepareChunk, prepareChunkSync } from '../store/output-prepare.js';
import type { PastCap } from '../store/step-output.js';

/** A stored chunk: the unit a reader pages by and one `step.output` event vouches for. */
export const CHUNK_BYTES = 1024 * 1024;
/** Ready chunks are committed once this much (as stored, compressed) is waiting... */
export const COMMIT_BYTES = 4 * 1024 * 1024;
/** ...and at least this often (the recorder's caller ticks it). */
export const COMMIT_MS = 250;
/**
 * Memory held by output not yet committed (as received until prepared, then as stored), beyond
 * which the main thread compresses the chunks the pool has not started: memory stays flat when
 * the pool falls behind, and the time the main thread spends is time it does not read the
 * step's pipe, which holds the step back.
 */
export const MAX_PENDING_BYTES = 8 * 1024 * 1024;
/** Chunks in the pool at once: two keep both cores of a small machine busy without queueing in the pool. */
export const POOL_JOBS = 2;
/**
 * After a chunk that did not compress, this many more are kept as they came without trying:
 * output that does not compress (compressed files, random bytes) mostly goes on not
 * compressing, and trying costs CPU the step's producer needs. Then compression is tried again.
 */
export const INCOMPRESSIBLE_RUN = 16;
/** A chunk smaller than this says nothing about what follows (a few bytes never compress): it does not start such a run. */
const TELLING_BYTES = 64 * 1024;

export interface ReadyChunk {
  idx: number;
  attempt: number;
  stream: OutputStream;
  /** Only a count once the attempt's storage is full: the store counts it as cut. */
  chunk: PreparedChunk | PastCap;
}

interface Cut {
  idx: number;
  attempt: number;
  stream: OutputStream;
  /** As received, until prepared; empty for output past the cap (it is counted, not held). */
  raw: Buffer;
  /** Bytes this chunk holds in memory now. */
  held: number;
  /** Handed to the pool (or prepared here). */
  started: boolean;
  prepared?: PreparedChunk | PastCap;
}

const NOTHING = Buffer.alloc(0);

export class OutputRecorder {
  private filling: { idx: number; attempt: number; stream: OutputStream; parts: Uint8Array[]; bytes: number } | undefined;
  /** Cut chunks in arrival order, committed from the front. */
  private readonly queue: Cut[] = [];
  private pendingBytes = 0;
  private poolJobs = 0;
  /** A beat found chunks still in the pool: they are committed as soon as the last is ready, not a beat later. */
  private owed = false;
  /** Chunks still to keep as they came without trying to compress them (see INCOMPRESSIBLE_RUN). */
  private uncompressed = 0;

  /**
   * `commit` stores the chunks in one transaction, in order; it throws when it could not.
   * `failed` gets a throw from a commit that nobody called (the pool finishing a chunk).
   * `full`: whether the attempt's storage is full, so its output is only counted, never
   * compressed or hashed (a runaway step past the cap costs a count, not CPU).
   */
  constructor(
    private readonly commit: (chunks: ReadyChunk[]) => void,
    private readonly failed: (error: unknown) => void,
    private readonly full: (idx: number, attempt: number) => boolean = () => false,
  ) {}

  add(idx: number, attempt: number, stream: OutputStream, data: Uint8Array): void {
    if (this.full(idx, attempt)) {
      this.count(idx, attempt, stream, data.length);
      return;
    }
    const f = this.filling;
    if (f && (f.idx !== idx || f.attempt !== attempt || f.stream !== stream)) this.cut();
    this.filling ??= { idx, attempt, stream, parts: [], bytes: 0 };
    // Kept by reference: stream chunks are never reused by their producer.
    this.filling.parts.push(data);
    this.filling.bytes += data.length;
    this.pendingBytes += data.length;
    if (this.filling.bytes >= CHUNK_BYTES) this.cut();
    if (this.pendingBytes >= MAX_PENDING_BYTES) this.catchUp();
  }

  /** Memory held by output not committed yet (see MAX_PENDING_BYTES). */
  get heldBytes(): number {
    return this.pendingBytes;
  }

  /** The timer's beat: what arrived since the last one becomes a chunk, and what is ready is committed. */
  tick(): void {
    this.cut();
    this.commitReady();
    this.owed = this.queue.length > 0;
  }

  /** Everything received so far, committed (on this thread where the pool is not done) before this returns. */
  commitAll(): void {
    this.cut();
    const cuts = this.queue.splice(0);
    this.pendingBytes = 0;
    // Marked prepared: a pool job still running for one of them finds it done and lets it be.
    for (const c of cuts) c.prepared ??= this.prepareHere(c);
    if (cuts.length > 0) this.commit(cuts.map((c) => ({ idx: c.idx, attempt: c.attempt, stream: c.stream, chunk: c.prepared! })));
  }

  private cut(): void {
    const f = this.filling;
    if (!f) return;
    this.filling = undefined;
    const raw = f.parts.length === 1 ? asBuffer(f.parts[0]!) : Buffer.concat(f.parts);
    this.queue.push({ idx: f.idx, attempt: f.attempt, stream: f.stream, raw, held: raw.length, started: false });
    this.startPoolJobs();
  }

  /** Output past the cap: added to the count at the end of the queue, committed with the next beat. */
  private count(idx: number, attempt: number, stream: OutputStream, bytes: number): void {
    this.cut();
    const last = this.queue.at(-1);
    if (last && last.idx === idx && last.attempt === attempt && last.stream === stream && last.prepared && 'pastCap' in last.prepared) {
      last.prepared.pastCap += bytes;
    } else {
      this.queue.push({ idx, attempt, stream, raw: NOTHING, held: 0, started: true, prepared: { pastCap: bytes } });
    }
  }

  private startPoolJobs(): void {
    for (const cut of this.queue) {
      if (this.poolJobs >= POOL_JOBS) return;
      if (cut.started) continue;
      cut.started = true;
      this.poolJobs++;
      const compress = this.tryCompressing();
      prepareChunk(cut.raw, compress).then(
        (prepared) => {
          this.poolJobs--;
          if (compress) this.learn(prepared);
          if (!cut.prepared) this.settle(cut, prepared);
          this.startPoolJobs();
          if (this.readyBytes() >= COMMIT_BYTES || (this.owed && this.queue.every((c) => c.prepared))) {
            this.owed = false;
            try {
              this.commitReady();
            } catch (error) {
              this.failed(error);
            }
          }
        },
        () => {
          // Left unprepared: commitAll() prepares it on this thread.
          this.poolJobs--;
          this.startPoolJobs();
        },
      );
    }
  }

  /**
   * The pool is behind: everything it has not finished is prepared here and committed. A chunk
   * still in the pool is prepared twice (at most POOL_JOBS of them), the price of a bound.
   */
  private catchUp(): void {
    for (const cut of this.queue) {
      cut.started = true;
      if (!cut.prepared) this.settle(cut, this.prepareHere(cut));
    }
    this.commitReady();
  }

  private prepareHere(cut: Cut): PreparedChunk {
    const compress = this.tryCompressing();
    const prepared = prepareChunkSync(cut.raw, compress);
    if (compress) this.learn(prepared);
    return prepared;
  }

  /**
   * A prepared chunk waits for its commit in its stored form only; the store gets the bytes as
   * received back from it in the rare cases it needs them (indexing an attempt's first
   * OUTPUT_INDEX_BYTES, cutting a chunk at the cap).
   */
  private settle(cut: Cut, prepared: PreparedChunk): void {
    cut.prepared = { ...prepared, raw: undefined };
    cut.raw = NOTHING;
    this.pendingBytes += prepared.encoded.length - cut.held;
    cut.held = prepared.encoded.length;
  }

  private tryCompressing(): boolean {
    if (this.uncompressed === 0) return true;
    this.uncompressed--;
    return false;
  }

  private learn(prepared: PreparedChunk): void {
    if (prepared.bytes >= TELLING_BYTES && keptAsItCame(prepared.encoded)) this.uncompressed = INCOMPRESSIBLE_RUN;
  }

  /** Bytes to write for the front of the queue that is ready to commit (order is kept: nothing behind an unready chunk). */
  private readyBytes(): number {
    let bytes = 0;
    for (const c of this.queue) {
      if (!c.prepared) break;
      bytes += c.held;
    }
    return bytes;
  }

  private commitReady(): void {
    let n = 0;
    while (n < this.queue.length && this.queue[n]!.prepared) n++;
    if (n === 0) return;
    const cuts = this.queue.splice(0, n);
    for (const c of cuts) this.pendingBytes -= c.held;
    this.commit(cuts.map((c) => ({ idx: c.idx, attempt: c.attempt, stream: c.stream, chunk: c.prepared! })));
  }
}

const asBuffer = (u: Uint8Array): Buffer => (Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength));
