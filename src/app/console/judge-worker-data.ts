// What the catalog sends its judging worker and what comes back (judge-worker.ts).
import type { Problem } from '../../contract/problem.js';
import type { KeptVerdict } from './kept-verdicts.js';

export interface JudgeWorkerData {
  workspace: string;
  inventoryPath: string;
  inventorySource: [Uint8Array, number];
  runbooks: { file: string; source: [Uint8Array, number] }[];
}

/** First handrail.yml's own problems, then one message per runbook, in the order sent; then the worker exits. */
export type JudgedMessage = { inventoryProblems: Problem[] } | { file: string; verdict: KeptVerdict };
