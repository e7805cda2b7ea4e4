// `audit verify` on every core. The chain is sequential, but reading its rows and recomputing
// each event's own hash and its body's hash are not: worker threads read stretches of the
// chain through their own read-only connections (WAL lets readers run side by side), and the
// verifying thread takes their summaries in seq order and checks what crosses a stretch's
// edge (the first event of each is always handed over as it is). A stretch a worker did not
// deliver (it failed, or never started) is read by the verifying thread itself: a worker
// changes the time, never the result.
//
// The chain's tables are append-only (triggers refuse UPDATE and DELETE) and the readers stop
// at the head the verifier fixed, so they read the same rows it would; an edit made while a
// check is running, by someone who first dropped the triggers, is named by the next check.
import { Worker } from 'node:worker_threads';
import type { Database } from 'better-sqlite3';
import { STOP, type ReadWorkerData } from './audit-read-plan.js';
import { summarizeRange, type RangeItem } from './audit-range-summary.js';

/** What the verifying thread decides; each reader is also given its index and the shared progress. */
export type ReadPlan = Omit<ReadWorkerData, 'index' | 'progress'>;

/** How many stretches came from the workers and how many the verifying thread read itself. */
export interface ReadCounts {
  byWorkers: number;
  here: number;
}

export interface ChainReaders {
  /** The chain from plan.from to plan.to, stretch by stretch in seq order; stops the workers at the end. */
  stretches(): AsyncGenerator<RangeItem[]>;
  stop(): Promise<void>;
}

/** Starts the workers now. `db` reads a stretch no worker delivered. */
export function startChainReaders(db: Database, plan: ReadPlan, counts: ReadCounts = { byWorkers: 0, here: 0 }): ChainReaders {
  const progress = new SharedArrayBuffer(4);
  const consumed = new Int32Array(progress);
  const received = new Map<number, RangeItem[]>();
  const gone = new Set<number>();
  let changed: () => void = () => undefined;
  const entry = workerEntry();
  const workers = Array.from({ length: plan.workers }, (_, index) => {
    const data: ReadWorkerData = { ...plan, index, progress };
    const worker = new Worker(entry.code, { workerData: data, eval: entry.eval });
    worker.on('message', (message: { chunk: number; items: RangeItem[] }) => {
      received.set(message.chunk, message.items);
      changed();
    });
    // A worker that fails leaves its stretches to the verifying thread (which then meets the
    // same error, if it is the database's, and reports it as a one-thread check would).
    worker.on('error', () => undefined);
    worker.once('exit', () => {
      gone.add(index);
      changed();
    });
    return worker;
  });
  const chunks = Math.ceil((plan.to - plan.from + 1) / plan.chunk);
  const stop = async () => {
    Atomics.store(consumed, 0, STOP);
    Atomics.notify(consumed, 0);
    await Promise.all(workers.map((w) => w.terminate()));
  };
  return { stretches, stop };

  async function* stretches(): AsyncGenerator<RangeItem[]> {
    try {
      for (let c = 0; c < chunks; c++) {
        let items = received.get(c);
        while (items === undefined && !gone.has(c % plan.workers)) {
          await new Promise<void>((resolve) => (changed = resolve));
          items = received.get(c);
        }
        if (items === undefined) {
          const first = plan.from + c * plan.chunk;
          items = summarizeRange(db, first, Math.min(plan.to, first + plan.chunk - 1), plan.rules);
          counts.here++;
        } else {
          counts.byWorkers++;
        }
        received.delete(c);
        Atomics.store(consumed, 0, c + 1);
        Atomics.notify(consumed, 0);
        yield items;
      }
    } finally {
      await stop();
    }
  }
}

/**
 * The compiled worker beside this file. Under Vitest or tsx this module is the .ts source: the
 * worker then starts from a line that registers tsx's loader first (tsx is a dev dependency,
 * and `--import` is not honoured by worker threads).
 */
function workerEntry(): { code: string | URL; eval: boolean } {
  if (!import.meta.url.endsWith('.ts')) return { code: new URL('./audit-read-worker.js', import.meta.url), eval: false };
  const api = import.meta.resolve('tsx/esm/api');
  const worker = new URL('./audit-read-worker.ts', import.meta.url).href;
  return { code: `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(worker)}); });`, eval: true };
}
