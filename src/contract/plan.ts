import { z } from 'zod';
import { TargetKind } from './inventory.js';

/*
 * A plan: everything a run of one runbook would do in one environment with these inputs,
 * resolved, before anything runs. Its canonical text (src/core/plan/plan-text.ts) is what an
 * approver reads and signs; its id is the SHA-256 of that text. Nothing in a plan holds a
 * secret: a secret input is shown by name with a hash of its value, a database password not
 * at all.
 */

export const PlanInput = z.object({
  name: z.string(),
  secret: z.boolean(),
  /** The value as the step receives it (absent for a secret). */
  value: z.string().optional(),
  /** For a secret: SHA-256 (hex) of the value, salted with the runbook's hash and the input's name, so a changed secret changes the plan. */
  sha256: z.string().optional(),
});
export type PlanInput = z.infer<typeof PlanInput>;

export const PlanTarget = z.object({
  name: z.string(),
  kind: TargetKind,
  /** Where it is in this environment: `this machine`, `user@host:port`, a SQLite file's absolute path, a PostgreSQL URL without password. */
  where: z.string(),
  /** How Handrail gets in, without any secret (`key ~/.ssh/id_ed25519`, `password from $PGPASSWORD`). */
  access: z.string().optional(),
});
export type PlanTarget = z.infer<typeof PlanTarget>;

export const PlanConfirmation = z.enum(['none', 'yes', 'typed-name']);
export type PlanConfirmation = z.infer<typeof PlanConfirmation>;

export const PlanStep = z.object({
  /** 1-based, as the CLI and the console number steps. */
  number: z.number().int().min(1),
  title: z.string(),
  kind: z.enum(['manual', 'sh', 'sql', 'http']),
  /** The target's name (absent for manual and http steps). */
  target: z.string().optional(),
  /** What would run, inputs in, each secret as `[secret: name]`: a sh script, SQL statements, an HTTP request. */
  command: z.string().optional(),
  /** SQL: each `:name` parameter and the value it binds (a secret as `[secret: name]`). */
  parameters: z.array(z.object({ name: z.string(), value: z.string() })),
  /** Database targets the step changes; each is snapshotted (and the snapshot verified) before it runs. */
  snapshots: z.array(z.string()),
  /** none; yes (a `confirm` step); typed-name (the environment's name typed: a change in a protected environment). */
  confirmation: PlanConfirmation,
  expectations: z.array(z.string()),
  idempotent: z.boolean(),
  timeoutMs: z.number().int().positive().optional(),
});
export type PlanStep = z.infer<typeof PlanStep>;

export const PlanApproval = z.object({
  required: z.boolean(),
  /** The allowed_signers file as handrail.yml names it. */
  approvers: z.string().optional(),
});
export type PlanApproval = z.infer<typeof PlanApproval>;

export const Plan = z.object({
  format: z.literal(1),
  runbook: z.object({ id: z.string(), title: z.string(), version: z.string(), sha256: z.string() }),
  environment: z.object({ name: z.string(), protected: z.boolean() }),
  /** Who asked for the plan: the operator who would run it (an approver must be someone else). */
  operator: z.string(),
  approval: PlanApproval,
  inputs: z.array(PlanInput),
  /** Every target a step uses or changes, as resolved in the environment. */
  targets: z.array(PlanTarget),
  /** The environment's variables every sh step gets (not secrets, by the inventory's rule). */
  variables: z.array(z.object({ name: z.string(), value: z.string() })),
  /** Names of Handrail's own environment variables passed to sh steps (their values are not shown). */
  passEnv: z.array(z.string()),
  steps: z.array(PlanStep),
});
export type Plan = z.infer<typeof Plan>;

/** One SQL statement run on the copy (or in the rolled-back transaction). */
export const RehearsedStatement = z.object({
  /** 1-based within its step. */
  number: z.number().int().min(1),
  /** The statement's first line, to tell it apart. */
  summary: z.string(),
  /** Rows it changed, or returned when it reads; absent when it failed. */
  rows: z.number().int().min(0).optional(),
  returnsRows: z.boolean(),
  error: z.string().optional(),
});
export type RehearsedStatement = z.infer<typeof RehearsedStatement>;

export const RehearsedStep = z.object({
  number: z.number().int().min(1),
  /**
   * rehearsed: its statements ran on the copy; failed: one failed or its expect-rows would not
   * hold (a run would stop there); not-rehearsed: sh, http, manual, or after a failed step.
   */
  status: z.enum(['rehearsed', 'failed', 'not-rehearsed']),
  /** Why it was not rehearsed, or what failed. */
  note: z.string().optional(),
  statements: z.array(RehearsedStatement),
  /** The step's row count as the run judges it (the last statement returning rows, else rows changed). */
  rowCount: z.number().int().min(0).optional(),
  expectRows: z.number().int().min(0).optional(),
  /** Whether expect-rows would hold (absent without expect-rows or without a count). */
  expectRowsHolds: z.boolean().optional(),
});
export type RehearsedStep = z.infer<typeof RehearsedStep>;

export const Rehearsal = z.object({
  /** True when every rehearsed statement ran and every expect-rows held. */
  ok: z.boolean(),
  /** Set when the rehearsal was stopped before its end (Ctrl-C, SIGTERM); the steps after are not rehearsed. */
  stopped: z.string().optional(),
  /** What was rehearsed where, and its limits (PostgreSQL: the same locks, briefly). */
  notes: z.array(z.string()),
  steps: z.array(RehearsedStep),
});
export type Rehearsal = z.infer<typeof Rehearsal>;
