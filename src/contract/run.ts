import { z } from 'zod';
import type { ActionKind } from './runbook.js';
import { FINISHED_RUN_STATUSES, FINISHED_STEP_STATUSES, RUN_STATUSES, STEP_KINDS, STEP_STATUSES } from './run-states.js';

export { FINISHED_RUN_STATUSES, FINISHED_STEP_STATUSES };

/*
 * Runs and steps as every side sees them (CLI `runs`/`show`, the UI, the API).
 * The store persists exactly these states; docs/DESIGN.md, "Execution semantics", says how they move.
 */

export const RunStatus = z.enum(RUN_STATUSES);
export type RunStatus = z.infer<typeof RunStatus>;

export const StepStatus = z.enum(STEP_STATUSES);
export type StepStatus = z.infer<typeof StepStatus>;

/** The step's action kind, or `manual` for a step without an action block. */
export const StepKind = z.enum(STEP_KINDS);
export type StepKind = z.infer<typeof StepKind>;
/** Every action kind of a runbook is a step kind, and `manual` is the only other one. */
export type StepKindsMatch = [Exclude<StepKind, 'manual'>] extends [ActionKind] ? ([ActionKind] extends [Exclude<StepKind, 'manual'>] ? true : never) : never;
const stepKindsMatch: StepKindsMatch = true;
void stepKindsMatch;

/** Input values as stored with the run: secret inputs are already redacted. */
export const RunInputs = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));
export type RunInputs = z.infer<typeof RunInputs>;

export const Run = z.object({
  id: z.string(),
  runbookId: z.string(),
  runbookVersion: z.string(),
  /** SHA-256 (hex) of the exact runbook bytes the run is bound to. */
  runbookSha256: z.string(),
  runbookPath: z.string(),
  environment: z.string(),
  operator: z.string(),
  status: RunStatus,
  inputs: RunInputs,
  /** The process that runs (or last ran) it, so a crash can be told from a run in progress. */
  pid: z.number().int().nullable(),
  host: z.string().nullable(),
  /** ISO 8601 timestamps (UTC). */
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  /** The incident or ticket the run was started for (`run --incident`); null when none was given. Optional only for runs built by older callers. */
  incident: z.string().nullable().optional(),
});
export type Run = z.infer<typeof Run>;

export const RunStep = z.object({
  runId: z.string(),
  /** 0-based position in the runbook, as Step.index. */
  idx: z.number().int().min(0),
  title: z.string(),
  kind: StepKind,
  target: z.string().nullable(),
  status: StepStatus,
  /** Counts entries into `running`; 0 while the step has never run. Output is kept per attempt. */
  attempt: z.number().int().min(0),
  exitCode: z.number().int().nullable(),
  signal: z.string().nullable(),
  /** Why it failed or was skipped, in words for the operator. */
  reason: z.string().nullable(),
  /** The operator's note, e.g. when marking an in-doubt step done. */
  note: z.string().nullable(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});
export type RunStep = z.infer<typeof RunStep>;

/**
 * What a run's status says once its deviations are counted: a run that got through after a
 * failed expectation, a skip or an in-doubt decision is not a plain success. Additive to
 * `status`, which keeps its meaning for anything that reads it.
 */
export const RunVerdict = z.enum(['running', 'succeeded', 'succeeded-with-deviations', 'failed', 'aborted', 'interrupted']);
export type RunVerdict = z.infer<typeof RunVerdict>;
