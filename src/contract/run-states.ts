// The states of runs and steps as plain values, without zod: the store reads every run row
// through these, and `handrail runs` should not load a schema library to list a table.
// run.ts builds its zod schemas from the same arrays, so the two cannot drift.

export const RUN_STATUSES = ['running', 'succeeded', 'failed', 'aborted', 'interrupted'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** A run in one of these states is over: it holds no locks and gets a finish time. */
export const FINISHED_RUN_STATUSES = ['succeeded', 'failed', 'aborted'] as const satisfies readonly RunStatus[];

export const STEP_STATUSES = ['pending', 'snapshotting', 'snapshot-verified', 'running', 'succeeded', 'failed', 'skipped', 'in-doubt'] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

/** A step in one of these states has finished its current attempt. */
export const FINISHED_STEP_STATUSES = ['succeeded', 'failed', 'skipped'] as const satisfies readonly StepStatus[];

/** The step's action kind (a runbook's ActionKind), or `manual` for a step without an action block. */
export const STEP_KINDS = ['sh', 'sql', 'http', 'manual'] as const;
export type StepKind = (typeof STEP_KINDS)[number];

/** Input values as stored with the run: secret inputs are already redacted. */
export type RunInputs = Record<string, string | number | boolean>;

/** `value` if it is one of `allowed`; else an error naming what was found where. */
export function oneOf<T extends string>(allowed: readonly T[], value: unknown, what: string): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new Error(`${what} is ${JSON.stringify(value)}, which is not one of ${allowed.join(', ')}`);
}

/** Stored inputs: an object of strings, numbers and booleans. */
export function runInputsOf(value: unknown): RunInputs {
  const valid =
    typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((v) => ['string', 'number', 'boolean'].includes(typeof v));
  if (!valid) throw new Error(`stored run inputs ${JSON.stringify(value)} are not an object of strings, numbers and booleans`);
  return value as RunInputs;
}
