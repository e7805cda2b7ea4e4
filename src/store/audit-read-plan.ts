// What `audit verify`'s readers are given, and how they are held back (audit-read-workers.ts).
import type { QuietRules } from '../core/audit/verify-quiet.js';

/** How many stretches a reader may be ahead of the verifying thread. */
export const AHEAD = 8;
/** Written in place of the verifier's progress when it stops early: readers stop too. */
export const STOP = -1;

export interface ReadWorkerData {
  path: string;
  nativeBinding: string | undefined;
  /** Seqs of the first and last event to read. */
  from: number;
  to: number;
  /** Events per stretch; reader `index` of `workers` takes stretches index, index + workers… */
  chunk: number;
  workers: number;
  index: number;
  rules: QuietRules;
  /** Int32 [0]: how many stretches the verifying thread has taken, in order. */
  progress: SharedArrayBuffer;
}
