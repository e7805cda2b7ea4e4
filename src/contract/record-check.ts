import { z } from 'zod';

/**
 * A row beside the audit chain (runs, steps, snapshots, runbook_versions) that says something
 * the chain does not: the row was edited, added or lost outside Handrail. What is shown then
 * is the chain's value; `recorded` is what the row says, `chain` what the trail says.
 */
export const RecordMismatch = z.object({
  table: z.enum(['runs', 'steps', 'snapshots', 'runbook_versions', 'audit_events']),
  /** The row as a person finds it: a run id, `RUN step N`, a snapshot id, `runbook@version (sha)`. */
  row: z.string(),
  /** The column that differs, or `row` when the whole row is unaccounted for. */
  field: z.string(),
  recorded: z.string().nullable(),
  chain: z.string().nullable(),
  /** The chain event the trail's value comes from (0 when the trail has none). */
  seq: z.number().int().min(0),
  /** Says what failed, for a person: `runs row R: status says succeeded, the audit trail says failed — the row was edited`. */
  message: z.string(),
});
export type RecordMismatch = z.infer<typeof RecordMismatch>;
