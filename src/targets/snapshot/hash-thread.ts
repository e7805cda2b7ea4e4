// SHA-256 of a snapshot's copy on a worker thread of the snapshot's child process, so it runs
// beside quick_check, each on its own core. Measured per GiB on this 2 vCPU machine: SHA-256
// 0.65–0.85 s of CPU, quick_check 0.6 s, copy_file_range 0.36 s; one after the other they were
// most of the snapshot's time. The code is plain JavaScript evaluated in the thread, so it
// needs no loader whether the child runs compiled or under tsx.
import { Worker } from 'node:worker_threads';

export interface HashRequest {
  path: string;
}

// Reads stream through libuv's pool, so copying each MiB out of the page cache overlaps with
// hashing the one before: a loop of synchronous reads took 1.5–3 s per GiB where this takes 1.
const THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { createReadStream } = require('node:fs');
const hash = createHash('sha256');
let bytes = 0;
const fail = (error) => parentPort.postMessage({ failed: String(error && error.message), code: String((error && error.code) || '') });
const stream = createReadStream(workerData.path, { highWaterMark: 1 << 20 });
stream
  .on('data', (chunk) => {
    hash.update(chunk);
    bytes += chunk.length;
  })
  .on('error', fail)
  .on('end', () => parentPort.postMessage({ sha256: hash.digest('hex'), bytes }));
`;

type Answer = { sha256: string; bytes: number } | { failed: string; code: string };

/** Starts hashing now; the promise settles with the digest and the byte count, or the reading error. */
export function hashInThread(request: HashRequest): Promise<{ sha256: string; bytes: number }> {
  return new Promise((resolve, reject) => {
    const thread = new Worker(THREAD, { eval: true, workerData: request });
    thread.once('message', (answer: Answer) => {
      if ('failed' in answer) reject(Object.assign(new Error(answer.failed), { code: answer.code }));
      else resolve(answer);
      void thread.terminate();
    });
    thread.once('error', reject);
    thread.once('exit', (code) => reject(new Error(`the hashing thread ended (exit code ${code}) before it answered`)));
  });
}
