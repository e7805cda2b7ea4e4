import { z } from 'zod';

/**
 * A step's command still running from a run that died, as a resume found it: on this machine
 * (its process group) or on an SSH host (checked there over a new connection). Every face
 * shows it before it offers to stop it: a terminal asks "[y/N]" after it, the console's page
 * lists it above "Stop it and resume".
 */
export const RunningLeftover = z.object({
  /** 0-based step index. */
  idx: z.number().int().min(0),
  /** `deploy@db-1:22` for an SSH host; this machine's host name for a local step. */
  host: z.string(),
  remote: z.boolean(),
  /** The process group: its leader's pid on `host`. */
  pid: z.number().int(),
  /** When the step's command started (ISO 8601, UTC). */
  startedAt: z.string(),
  /** The step's command as the run's runbook has it; null when it could not be read. */
  command: z.string().nullable(),
  /** "step 1's command on deploy@db-1:22 (remote process group 4242, started 12:01:03)" */
  description: z.string(),
});
export type RunningLeftover = z.infer<typeof RunningLeftover>;
