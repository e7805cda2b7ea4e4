// Starts the judging worker (judge-worker.ts) and collects its verdicts. A worker that cannot
// start or fails part-way returns what it judged; the catalog judges the rest itself, so a
// worker changes when the list is ready, never what it says.
import { Worker } from 'node:worker_threads';
import type { Problem } from '../../contract/problem.js';
import type { KeptVerdict } from './kept-verdicts.js';
import type { JudgedMessage, JudgeWorkerData } from './judge-worker-data.js';

export interface WorkerJudged {
  inventoryProblems?: Problem[];
  verdicts: Map<string, KeptVerdict>;
}

export function judgeOnWorker(data: JudgeWorkerData): Promise<WorkerJudged> {
  const judged: WorkerJudged = { verdicts: new Map() };
  return new Promise((resolve) => {
    let worker: Worker;
    try {
      const entry = workerEntry();
      worker = new Worker(entry.code, { workerData: data, eval: entry.eval });
    } catch {
      resolve(judged);
      return;
    }
    worker.on('message', (message: JudgedMessage) => {
      if ('inventoryProblems' in message) judged.inventoryProblems = message.inventoryProblems;
      else judged.verdicts.set(message.file, message.verdict);
    });
    worker.on('error', () => undefined);
    worker.once('exit', () => resolve(judged));
  });
}

/**
 * The compiled worker beside this file. Under Vitest or tsx this module is the .ts source: the
 * worker then starts from a line that registers tsx's loader first (tsx is a dev dependency,
 * and `--import` is not honoured by worker threads).
 */
function workerEntry(): { code: string | URL; eval: boolean } {
  if (!import.meta.url.endsWith('.ts')) return { code: new URL('./judge-worker.js', import.meta.url), eval: false };
  const api = import.meta.resolve('tsx/esm/api');
  const worker = new URL('./judge-worker.ts', import.meta.url).href;
  return { code: `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(worker)}); });`, eval: true };
}
