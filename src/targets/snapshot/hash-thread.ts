// SHA-256 of a snapshot's copy on a worker thread of the snapshot's child process, read back
// from the copy while the copy is still being written. Per GiB on this 2 vCPU machine: the
// copy (copy_file_range) 0.36–0.5 s, SHA-256 0.65–0.85 s, quick_check 0.5–0.6 s, all CPU; one
// after the other they were most of the snapshot's time. Hashing each stretch of the copy as
// soon as it lies in the copy's page cache puts the hash on the second core during the copy,
// so what is left after the copy is quick_check and the hash's tail, side by side. The code
// is plain JavaScript evaluated in the thread, so it needs no loader whether the child runs
// compiled or under tsx.
import { Worker } from 'node:worker_threads';

export interface Hashing {
  /** Lets the thread read from the start of the file; the bytes read from here on are final. */
  start(): void;
  /** The copy is complete at `bytes`: hash up to there and answer. */
  finish(bytes: number): void;
  /** Settles with the digest and the byte count, or the reading error. */
  result: Promise<{ sha256: string; bytes: number }>;
}

// A file only grows under a copy, and everything below its current size is written: a read
// that comes back short or empty means "not yet", never "different". Two buffers, so reading
// the next stretch (libuv's pool: a copy out of the page cache) overlaps hashing this one.
const THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { open } = require('node:fs/promises');
const CHUNK = 4 << 20;
let started = false;
let finalSize = -1;
let wake = null;
const nudge = () => { if (wake) { const w = wake; wake = null; w(); } };
parentPort.on('message', (m) => {
  if (m.start) started = true;
  if (typeof m.finish === 'number') finalSize = m.finish;
  nudge();
});
// Woken by the next message, or after 2 ms to look at the file again.
const nap = () => new Promise((resolve) => { wake = resolve; setTimeout(nudge, 2); });
const fail = (error) => parentPort.postMessage({ failed: String(error && error.message), code: String((error && error.code) || '') });
(async () => {
  while (!started) await nap();
  const hash = createHash('sha256');
  const file = await open(workerData.path, 'r');
  try {
    const buffers = [Buffer.allocUnsafe(CHUNK), Buffer.allocUnsafe(CHUNK)];
    let which = 0;
    let bytes = 0;
    const readAt = (at) => {
      const known = finalSize >= 0;
      return { known, read: file.read(buffers[which], 0, known ? Math.max(0, Math.min(CHUNK, finalSize - at)) : CHUNK, at) };
    };
    let pending = readAt(bytes);
    for (;;) {
      const { bytesRead } = await pending.read;
      if (bytesRead === 0) {
        if (finalSize >= 0 && bytes >= finalSize) break;
        // Asked after the copy had ended, and still nothing: the file is shorter than copied.
        if (pending.known) throw Object.assign(new Error('the copy holds ' + bytes + ' bytes where ' + finalSize + ' were copied'), { code: 'EIO' });
        if (finalSize < 0) await nap();
        pending = readAt(bytes);
        continue;
      }
      const chunk = buffers[which].subarray(0, bytesRead);
      bytes += bytesRead;
      which ^= 1;
      pending = readAt(bytes);
      hash.update(chunk);
    }
    parentPort.postMessage({ sha256: hash.digest('hex'), bytes });
  } finally {
    await file.close();
  }
})().catch(fail);
`;

type Answer = { sha256: string; bytes: number } | { failed: string; code: string };

/**
 * Starts the thread now; it reads nothing before `start()`, so the caller can first change
 * bytes at the start of the file (the journal mark), and stops once it has hashed the size
 * `finish()` gives. A finished file: call both at once.
 */
export function hashInThread(path: string): Hashing {
  const thread = new Worker(THREAD, { eval: true, workerData: { path } });
  const result = new Promise<{ sha256: string; bytes: number }>((resolve, reject) => {
    thread.once('message', (answer: Answer) => {
      if ('failed' in answer) reject(Object.assign(new Error(answer.failed), { code: answer.code }));
      else resolve(answer);
      void thread.terminate();
    });
    thread.once('error', reject);
    thread.once('exit', (code) => reject(new Error(`the hashing thread ended (exit code ${code}) before it answered`)));
  });
  return {
    start: () => thread.postMessage({ start: true }),
    finish: (bytes) => thread.postMessage({ finish: bytes }),
    result,
  };
}
