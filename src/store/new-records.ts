import type { RunInputs, StepKind } from '../contract/run.js';

/* What callers hand the RunStore to create rows. */

export interface NewStep {
  idx: number;
  title: string;
  kind: StepKind;
  target: string | null;
}

export interface NewRun {
  /** Default: a random UUID. */
  id?: string;
  runbookId: string;
  runbookVersion: string;
  /** SHA-256 (hex) the runbook was parsed with; checked against `runbookSource`. */
  runbookSha256: string;
  runbookPath: string;
  /** The exact bytes the run is bound to; a resume reads these, not the file on disk. */
  runbookSource: Uint8Array;
  environment: string;
  operator: string;
  /** Already redacted: the store keeps what it is given. */
  inputs: RunInputs;
  /** The incident or ticket id, already checked (contract/incident.ts); null or absent: none. */
  incident?: string | null;
  /** The run's steps, created `pending` in the same transaction as the run. */
  steps?: NewStep[];
}

export interface NewEvent {
  operator: string;
  kind: string;
  runId?: string | null;
  stepIdx?: number | null;
  /** Default: the run's environment (null without a run). */
  environment?: string | null;
  /** Default: the step's target (null without a step). */
  target?: string | null;
  /** Anything JSON can hold; already redacted. */
  body: unknown;
}
