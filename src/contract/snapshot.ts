import { z } from 'zod';

/** A verified copy of a database, as `handrail snapshots` lists it. */
export const Snapshot = z.object({
  id: z.string(),
  runId: z.string().nullable(),
  /** 0-based index of the step it was taken before, when taken in a run. */
  step: z.number().int().nullable(),
  environment: z.string(),
  target: z.string(),
  kind: z.enum(['sqlite', 'postgres']),
  location: z.string(),
  path: z.string(),
  bytes: z.number().int(),
  sha256: z.string(),
  verified: z.boolean(),
  reason: z.enum(['step', 'manual', 'pre-restore']),
  operator: z.string(),
  createdAt: z.string(),
  deletedAt: z.string().nullable(),
});
export type Snapshot = z.infer<typeof Snapshot>;
