import { z } from 'zod';

/** A 1-based line and column in a source file, as editors count them. */
export const SourcePos = z.object({
  line: z.number().int().min(1),
  col: z.number().int().min(1),
});
export type SourcePos = z.infer<typeof SourcePos>;

/**
 * One thing wrong (or worth a look) in a runbook or inventory.
 * Printed as `path:line:col: message`; `warning` problems do not fail validation.
 */
export const Problem = z.object({
  path: z.string(),
  line: z.number().int().min(1),
  col: z.number().int().min(1),
  severity: z.enum(['error', 'warning']),
  message: z.string(),
});
export type Problem = z.infer<typeof Problem>;
