// Reading a heavy step's pipes on a thread of their own. On the engine's thread every read of a
// fast producer is an epoll wake-up and a trip through the stream and the engine, and each
// commit of the output (an fsync under synchronous=FULL, tens of milliseconds on a busy disk)
// stops the reading: the pipe's ~200 KB fills in under a millisecond and the producer waits
// for the whole commit. This thread reads with plain synchronous reads into 1 MiB slots of a
// ring, naps a quarter of a millisecond between reads so a fast producer's writes gather into
// large reads, and hands the engine whole slots; the engine's thread only copies them out and
// records them. A commit no longer holds the producer up unless every slot waits for the
// engine, which bounds memory. The fds stay owned by the streams that opened them (and are closed by
// them once this thread has seen both ends), so nothing is closed twice or reused early.
// The code is plain JavaScript evaluated in the thread, so it needs no loader whether
// Handrail runs compiled or under tsx.
import { Worker } from 'node:worker_threads';
import type { OutputStream } from '../core/engine/ports.js';

/** Output a step prints through the engine's own reads before its pipes move to a thread. */
export const HEAVY_BYTES = 1024 * 1024;
/** Each read fills one slot of a fixed ring shared with the engine's thread... */
export const SLOT_BYTES = 1024 * 1024;
/** ...and once every slot waits for the engine, the thread stops reading: memory stays fixed. */
export const SLOTS = 8;

const THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const { readSync } = require('node:fs');
const { pipes, ring, slotBytes } = workerData;
const slots = ring.length;
const busy = new Int32Array(workerData.busy);
const napCell = new Int32Array(new SharedArrayBuffer(4));
const nap = (ms) => Atomics.wait(napCell, 0, 0, ms);
const open = pipes.map((p) => ({ stream: p.stream, fd: p.fd, slot: -1, used: 0, ended: false, dry: 0, skip: 0 }));
let next = 0;
let lastHandedOn = performance.now();
function handOn(p) {
  if (p.slot < 0) return;
  if (p.used > 0) {
    parentPort.postMessage({ stream: p.stream, slot: p.slot, bytes: p.used });
    lastHandedOn = performance.now();
  } else {
    Atomics.store(busy, p.slot, 0);
  }
  p.slot = -1;
  p.used = 0;
}
// Slots are taken in turn; one the engine has not copied out yet is waited for (that wait
// is what holds a producer back when the engine falls behind).
function take(p) {
  const slot = next;
  next = (next + 1) % slots;
  for (const other of open) if (other.slot === slot) handOn(other);
  while (Atomics.load(busy, slot) !== 0) Atomics.wait(busy, slot, 1, 50);
  Atomics.store(busy, slot, 1);
  p.slot = slot;
  p.used = 0;
}
try {
  let dry = 0;
  while (open.some((p) => !p.ended)) {
    let got = 0;
    for (const p of open) {
      // A pipe found empty is tried again only every few rounds: each empty read is a thrown
      // EAGAIN, and a step that prints only on stdout would pay one per nap for its stderr.
      if (p.ended || p.skip-- > 0) continue;
      for (;;) {
        if (p.slot < 0) take(p);
        const room = slotBytes - p.used;
        let n;
        try {
          n = readSync(p.fd, ring[p.slot], p.used, room, null);
        } catch (error) {
          if (error.code === 'EINTR') continue;
          if (error.code !== 'EAGAIN') throw error;
          p.dry = Math.min(p.dry * 2 + 1, 15);
          p.skip = p.dry;
          break;
        }
        p.dry = 0;
        if (n === 0) {
          handOn(p);
          p.ended = true;
          break;
        }
        p.used += n;
        got += n;
        if (p.used === slotBytes) handOn(p);
        // A short read emptied the pipe: the next read would only throw EAGAIN.
        if (n < room) break;
      }
    }
    if (got === 0) {
      // Dry: what was read is handed on at once (live output), and the longer nothing comes
      // the longer the nap, up to 20 ms, so a step that is quiet for minutes costs nothing.
      // Every pipe is tried after this nap: the skipping above is only for a quiet pipe
      // beside a busy one.
      for (const p of open) {
        handOn(p);
        p.skip = 0;
      }
      dry = Math.min(dry + 1, 7);
      nap(0.15 * 2 ** dry);
    } else {
      dry = 0;
      if (performance.now() - lastHandedOn >= 5) for (const p of open) handOn(p);
      nap(0.25);
    }
  }
  parentPort.postMessage({ end: true });
} catch (error) {
  parentPort.postMessage({ failed: String((error && error.message) || error), code: String((error && error.code) || '') });
}
`;

export interface PipeReader {
  /** Resolves once every pipe ended and what was read has been handed on. */
  readonly done: Promise<void>;
}

type Message = { stream: OutputStream; slot: number; bytes: number } | { end: true } | { failed: string; code: string };

/**
 * Reads `pipes` (non-blocking fds nobody else reads now) to their ends on a thread, calling
 * `onChunk` on this thread for each buffer in the order read. `done` rejects when a read failed.
 */
export function readPipesOnThread(
  pipes: { stream: OutputStream; fd: number }[],
  onChunk: (stream: OutputStream, chunk: Buffer) => void,
): PipeReader {
  // The engine copies each read out of its slot at once and frees the slot: the copy is an
  // ordinary allocation on this thread, which the engine may keep by reference for as long as
  // it likes, and the ring is reused, so no buffer crosses threads (V8 answered buffers
  // handed over between threads with a full collection every few of them).
  const ring = Array.from({ length: SLOTS }, () => new Uint8Array(new SharedArrayBuffer(SLOT_BYTES)));
  const busy = new Int32Array(new SharedArrayBuffer(4 * SLOTS));
  const thread = new Worker(THREAD, {
    eval: true,
    workerData: { pipes, ring, busy: busy.buffer, slotBytes: SLOT_BYTES },
    // Nothing but reads into the ring: a small heap keeps the thread's memory small.
    resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 },
  });
  const done = new Promise<void>((resolve, reject) => {
    let settled = false;
    thread.on('message', (message: Message) => {
      if ('slot' in message) {
        const chunk = Buffer.allocUnsafe(message.bytes);
        chunk.set(ring[message.slot]!.subarray(0, message.bytes));
        Atomics.store(busy, message.slot, 0);
        Atomics.notify(busy, message.slot);
        onChunk(message.stream, chunk);
        return;
      }
      settled = true;
      if ('end' in message) resolve();
      else reject(Object.assign(new Error(message.failed), { code: message.code }));
    });
    thread.once('error', (error) => {
      settled = true;
      reject(error);
    });
    thread.once('exit', (code) => {
      if (!settled) reject(new Error(`the thread reading the step's output ended (exit code ${code}) before the output did`));
    });
  });
  return { done };
}
