import { z } from 'zod';
import { Run, RunStep, RunVerdict } from './run.js';

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

/** One run of the team ledger, by the machine that ran it (run ids are only unique per machine). */
export const TeamRunRef = z.object({
  machineId: z.string().min(1).max(200),
  runId: z.string().min(1).max(200),
});
export type TeamRunRef = z.infer<typeof TeamRunRef>;

/**
 * One team run as the console's detail shows it: the same reading of the ledger as
 * `show RUN --team` (rebuilt from its machine's chain, each output chunk checked against the
 * event that vouches for it), with the machine it ran on and what did not verify.
 */
export const TeamRunView = z.object({
  ledger: z.string(),
  machine: TeamMachine.pick({ id: true, name: true, keyFingerprint: true }),
  run: Run,
  steps: z.array(RunStep),
  /** Titles and commands from the runbook bytes shipped with the run, only when they are the ones its chain names. */
  stepTexts: z.array(z.object({ idx: z.number().int().min(0), title: z.string(), command: z.string().nullable() })),
  runbookTitle: z.string(),
  verdict: RunVerdict,
  deviationCount: z.number().int().min(0),
  deviations: z.array(z.object({ kind: z.string(), idx: z.number().int().nullable(), text: z.string(), at: z.string() })),
  events: z.array(z.object({ seq: z.number().int(), at: z.string(), kind: z.string(), operator: z.string(), idx: z.number().int().nullable(), summary: z.string() })),
  snapshots: z.array(z.object({ id: z.string(), step: z.number().int().nullable(), target: z.string(), kind: z.string(), bytes: z.number(), sha256: z.string(), createdAt: z.string() })),
  reviews: z.array(z.object({ seq: z.number().int(), at: z.string(), reviewer: z.string(), note: z.string() })),
  /** Each step attempt's stored output as text; `omitted`: bytes left out at its start (long output keeps its end). */
  outputs: z.array(z.object({ idx: z.number().int().min(0), attempt: z.number().int().min(0), text: z.string(), omitted: z.number().int().min(0) })),
  /** What does not verify (its stretch of the chain, its machine, its shipped rows, its output); empty when it all checked out. */
  problems: z.array(z.string()),
  /** How much of its machine's chain the check read. */
  checked: z.object({ events: z.number().int().min(0), checkpoints: z.number().int().min(0), lastSeq: z.number().int().min(0) }),
});
export type TeamRunView = z.infer<typeof TeamRunView>;
