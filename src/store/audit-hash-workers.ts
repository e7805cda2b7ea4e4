// `audit verify` on both cores. The chain is sequential, but each event's own hash and its
// body's hash are not: worker threads recompute those from the end of the chain backwards
// while the verifying thread walks it forwards, checks the links, checkpoints and output, and
// hashes itself whatever no worker has done yet; the two meet in the middle. Nothing is
// waited for, so a worker that is slow to start or fails changes the time, never the result.
//
// Workers read through their own connections. The chain's tables are append-only (triggers
// refuse UPDATE and DELETE), so they read the same rows; an edit made while a check is running,
// by someone who first dropped the triggers, is named by the next check.
import { Worker } from 'node:worker_threads';
import type { KnownHashes } from '../core/audit/verify-chain.js';
import { BODY_OK, HASH_OK, type HashWorkerData } from './audit-hash-verdicts.js';

const CHUNK = 4096;

export interface HashWorkers {
  /** The workers' verdict on event `seq` (undefined: not done yet, hash it yourself); also says how far the verifier is. */
  take(seq: number): KnownHashes | undefined;
  /** Settles when every worker has finished its chunks (or failed). */
  finished: Promise<void>;
  stop(): Promise<void>;
}

export function startHashWorkers(path: string, nativeBinding: string | undefined, from: number, to: number, count: number): HashWorkers {
  const verdicts = new SharedArrayBuffer(to - from + 1);
  const progress = new SharedArrayBuffer(4);
  const flags = new Uint8Array(verdicts);
  const reached = new Int32Array(progress);
  const entry = workerEntry();
  const workers = Array.from({ length: count }, (_, index) => {
    const data: HashWorkerData = { path, nativeBinding, from, to, chunk: CHUNK, workers: count, index, verdicts, progress };
    const worker = new Worker(entry.code, { workerData: data, eval: entry.eval });
    // A worker that fails leaves its events undone; the verifier hashes them itself.
    worker.on('error', () => undefined);
    return worker;
  });
  const finished = Promise.all(workers.map((w) => new Promise((settle) => w.once('exit', settle)))).then(() => undefined);
  return {
    finished,
    take(seq) {
      if ((seq & 1023) === 0) Atomics.store(reached, 0, seq);
      const verdict = flags[seq - from] ?? 0;
      return verdict === 0 ? undefined : { hash: (verdict & HASH_OK) !== 0, body: (verdict & BODY_OK) !== 0 };
    },
    async stop() {
      Atomics.store(reached, 0, to + 1);
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}

/**
 * The compiled worker beside this file. Under Vitest or tsx this module is the .ts source: the
 * worker then starts from a line that registers tsx's loader first (tsx is a dev dependency,
 * and `--import` is not honoured by worker threads).
 */
function workerEntry(): { code: string | URL; eval: boolean } {
  if (!import.meta.url.endsWith('.ts')) return { code: new URL('./audit-hash-worker.js', import.meta.url), eval: false };
  const api = import.meta.resolve('tsx/esm/api');
  const worker = new URL('./audit-hash-worker.ts', import.meta.url).href;
  return { code: `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(worker)}); });`, eval: true };
}
