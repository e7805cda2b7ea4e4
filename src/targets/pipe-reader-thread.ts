// Reading a heavy step's pipes on a thread of their own. On the engine's thread every read of a
// fast producer is an epoll wake-up and a trip through the stream and the engine, and each
// commit of the output (an fsync under synchronous=FULL, tens of milliseconds on a busy disk)
// stops the reading: the pipe's ~200 KB fills in under a millisecond and the producer waits
// for the whole commit. This thread reads with plain synchronous reads into 1 MiB buffers,
// naps a quarter of a millisecond when the pipe runs dry so a fast producer's writes gather
// into large reads, and hands the engine whole buffers; the engine's thread only records them.
// A commit no longer holds the producer up unless MAX_IN_FLIGHT bytes wait for the engine,
// which bounds memory. The fds stay owned by the streams that opened them (and are closed by
// them once this thread has seen both ends), so nothing is closed twice or reused early.
// The code is plain JavaScript evaluated in the thread, so it needs no loader whether
// Handrail runs compiled or under tsx.
import { Worker } from 'node:worker_threads';
import type { OutputStream } from '../core/engine/ports.js';

/** Output a step prints through the engine's own reads before its pipes move to a thread. */
export const HEAVY_BYTES = 1024 * 1024;
/** Bytes handed to the engine and not yet taken; past this the thread stops reading. */
export const MAX_IN_FLIGHT = 8 * 1024 * 1024;

const THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const { readSync } = require('node:fs');
const { pipes, control, bufferBytes, maxInFlight } = workerData;
const inFlight = new Int32Array(control);
const napCell = new Int32Array(new SharedArrayBuffer(4));
const nap = (ms) => Atomics.wait(napCell, 0, 0, ms);
const open = pipes.map((p) => ({ stream: p.stream, fd: p.fd, buf: Buffer.allocUnsafeSlow(bufferBytes), used: 0, ended: false }));
let lastHandedOn = performance.now();
// A buffer that is mostly empty is copied out, so a slow step's lines do not each pin a MiB.
function handOn(p) {
  if (p.used === 0) return;
  let chunk;
  if (p.used * 2 < bufferBytes) {
    chunk = Buffer.from(p.buf.subarray(0, p.used));
    Atomics.add(inFlight, 0, p.used);
    parentPort.postMessage({ stream: p.stream, chunk });
  } else {
    chunk = p.buf.subarray(0, p.used);
    Atomics.add(inFlight, 0, p.used);
    parentPort.postMessage({ stream: p.stream, chunk }, [p.buf.buffer]);
    p.buf = Buffer.allocUnsafeSlow(bufferBytes);
  }
  p.used = 0;
  lastHandedOn = performance.now();
}
try {
  let dry = 0;
  while (open.some((p) => !p.ended)) {
    for (let held = Atomics.load(inFlight, 0); held >= maxInFlight; held = Atomics.load(inFlight, 0)) Atomics.wait(inFlight, 0, held, 50);
    let got = 0;
    for (const p of open) {
      while (!p.ended) {
        let n;
        try {
          n = readSync(p.fd, p.buf, p.used, bufferBytes - p.used, null);
        } catch (error) {
          if (error.code === 'EAGAIN') break;
          if (error.code === 'EINTR') continue;
          throw error;
        }
        if (n === 0) {
          handOn(p);
          p.ended = true;
        } else {
          p.used += n;
          got += n;
          if (p.used === bufferBytes) handOn(p);
        }
      }
    }
    if (got === 0) {
      // Dry: what was read is handed on at once (live output), and the longer nothing comes
      // the longer the nap, up to 20 ms, so a step that is quiet for minutes costs nothing.
      for (const p of open) handOn(p);
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

type Message = { stream: OutputStream; chunk: Uint8Array } | { end: true } | { failed: string; code: string };

/**
 * Reads `pipes` (non-blocking fds nobody else reads now) to their ends on a thread, calling
 * `onChunk` on this thread for each buffer in the order read. `done` rejects when a read failed.
 */
export function readPipesOnThread(
  pipes: { stream: OutputStream; fd: number }[],
  onChunk: (stream: OutputStream, chunk: Buffer) => void,
): PipeReader {
  const control = new SharedArrayBuffer(4);
  const inFlight = new Int32Array(control);
  const thread = new Worker(THREAD, {
    eval: true,
    workerData: { pipes, control, bufferBytes: 1024 * 1024, maxInFlight: MAX_IN_FLIGHT },
    // Nothing but reads and copies: a small heap keeps the thread's memory small.
    resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 },
  });
  const done = new Promise<void>((resolve, reject) => {
    let settled = false;
    thread.on('message', (message: Message) => {
      if ('chunk' in message) {
        const chunk = Buffer.from(message.chunk.buffer, message.chunk.byteOffset, message.chunk.byteLength);
        try {
          onChunk(message.stream, chunk);
        } finally {
          Atomics.sub(inFlight, 0, chunk.length);
          Atomics.notify(inFlight, 0);
        }
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
