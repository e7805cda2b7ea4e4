// The shared-memory layout between `audit verify` and its hash workers: one byte per event.
export const DONE = 1;
export const HASH_OK = 2;
export const BODY_OK = 4;

export interface HashWorkerData {
  path: string;
  nativeBinding: string | undefined;
  /** The seq of the first event (verdict byte 0) and of the last. */
  from: number;
  to: number;
  /** Events per chunk; worker `index` of `workers` takes every workers-th chunk from the end. */
  chunk: number;
  workers: number;
  index: number;
  /** A byte per event: 0 not done yet, else DONE with HASH_OK / BODY_OK set when they match. */
  verdicts: SharedArrayBuffer;
  /** Int32 [0]: the seq the verifying thread has reached; workers stop short of it. */
  progress: SharedArrayBuffer;
}
