// A reader of `audit verify` (audit-read-workers.ts): reads its share of the chain's stretches
// through its own read-only connection, recomputes every hash there, and posts each stretch's
// summary; it waits while it is too far ahead of the verifying thread, so a chain full of
// problems is never held in memory whole.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { summarizeRange } from './audit-range-summary.js';
import { AHEAD, STOP, type ReadWorkerData } from './audit-read-plan.js';

const { path, nativeBinding, from, to, chunk, workers, index, rules, progress } = workerData as ReadWorkerData;
const consumed = new Int32Array(progress);
const db = new Database(path, { readonly: true, fileMustExist: true, ...(nativeBinding ? { nativeBinding } : {}) });
try {
  const chunks = Math.ceil((to - from + 1) / chunk);
  for (let c = index; c < chunks; c += workers) {
    for (let seen = Atomics.load(consumed, 0); seen !== STOP && c - seen >= AHEAD; seen = Atomics.load(consumed, 0)) {
      Atomics.wait(consumed, 0, seen, 200);
    }
    if (Atomics.load(consumed, 0) === STOP) break;
    const first = from + c * chunk;
    parentPort?.postMessage({ chunk: c, items: summarizeRange(db, first, Math.min(to, first + chunk - 1), rules) });
  }
} finally {
  db.close();
}
