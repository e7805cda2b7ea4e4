import { z } from 'zod';
import { Run, RunVerdict } from './run.js';

/*
 * The lead's team scope: runs and machines as the team ledger (PostgreSQL) holds them, each
 * machine's chain checked against the key pinned for it. Shared by `runs --team`, the
 * console's Audit view (team scope) and their tests.
 */

/** One machine that ships to the ledger, and what is wrong with its record, if anything. */
export const TeamMachine = z.object({
  /** The ledger's id for the machine. */
  id: z.string(),
  /** The host name its events carry. */
  name: z.string(),
  /** Of the key pinned at its first contact; null when none was pinned. */
  keyFingerprint: z.string().nullable(),
  /** The highest seq the ledger holds for it. */
  head: z.number().int().min(0),
  /** Why its record cannot be trusted as it stands (a broken chain, a key incident); empty when it can. */
  problems: z.array(z.string()),
});
export type TeamMachine = z.infer<typeof TeamMachine>;

export const TeamRunEntry = Run.pick({ id: true, runbookId: true, runbookVersion: true, environment: true, operator: true, status: true, startedAt: true, finishedAt: true }).extend({
  machineId: z.string(),
  machine: z.string(),
  verdict: RunVerdict,
  deviations: z.number().int().min(0),
  /** What the check of this run's stretch of its machine's chain found, and the machine's own problems; empty when intact. */
  problems: z.array(z.string()),
});
export type TeamRunEntry = z.infer<typeof TeamRunEntry>;

/** Where a page of team runs ended: its last run start, in the listing's order (newest first). */
export const TeamRunCursor = z.object({
  at: z.string().max(64),
  machineId: z.string().max(200),
  seq: z.number().int().min(1),
});
export type TeamRunCursor = z.infer<typeof TeamRunCursor>;

export const TeamRunQuery = z.object({
  operator: z.string().max(200).optional(),
  runbook: z.string().max(200).optional(),
  environment: z.string().max(200).optional(),
  machine: z.string().max(200).optional(),
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(500).default(50),
  /** The runs after this one (the `next` of the page before), read from there by the index, however old. */
  after: TeamRunCursor.optional(),
});
export type TeamRunQuery = z.output<typeof TeamRunQuery>;

export const TeamRunPage = z.object({
  /** The ledger the page was read from (no password), for the heading. */
  ledger: z.string(),
  total: z.number().int().min(0),
  runs: z.array(TeamRunEntry),
  machines: z.array(TeamMachine),
  /** What to ask for as `after` to read the next (older) page; null when this page is the last. */
  next: TeamRunCursor.nullable(),
});
export type TeamRunPage = z.infer<typeof TeamRunPage>;
