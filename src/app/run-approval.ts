// The approval a run in an environment with `approval:` needs: the operator's --approval
// file checked against the environment's allowed_signers and the plan of the run being
// started (rebuilt here from the same runbook bytes, environment, inputs, targets and
// operator), or a typed break-glass reason. What is decided is in
// src/core/guards/approval-check.ts; this file reads the files and words the refusals.
import { constants } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import type { ApprovalSettings } from '../contract/inventory.js';
import { parseAllowedSigners } from '../core/approvals/allowed-signers.js';
import { parseDuration } from '../core/approvals/approval-statement.js';
import { approvedText } from '../core/audit/report-approvals.js';
import { checkApproval, type ApprovalDecision } from '../core/guards/approval-check.js';
import { approversOrigin, approversProblem } from './approvers-in-git.js';
import { UserError } from './errors.js';
import { expandPath } from './paths.js';
import { planOf } from './plan-service.js';
import type { RunPlan } from './run-plan.js';
import type { Settings } from './settings.js';

export const DEFAULT_VALID_FOR = '1h';
/** An approval is a statement and one armored signature: well under this, even with an RSA-16384 key. */
const MAX_APPROVAL_BYTES = 64 * 1024;

/** The approval file's text, or its size when it is too large to be one (never read into memory whole: /dev/zero, a 1 GB file). */
async function readBounded(path: string): Promise<string | { size: number; regular: boolean }> {
  // O_NONBLOCK: a FIFO given as the approval must not hang the run waiting for a writer.
  const file = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stat = await file.stat();
    if (!stat.isFile() || stat.size > MAX_APPROVAL_BYTES) return { size: stat.size, regular: stat.isFile() };
    return await file.readFile('utf8');
  } finally {
    await file.close();
  }
}

export interface ApprovalRequest {
  /** The approval file (PLAN.sig), absolute. */
  approval?: string | undefined;
  /** Or its text, as the console's Approval field holds it. */
  approvalText?: string | undefined;
  /** What the approval is called in messages and the trail when given as text (an approval from the team ledger). */
  approvalLabel?: string | undefined;
  breakGlass?: string | undefined;
}

/** What the run records once it exists: an accepted approval, or a waiver by break-glass. */
export type RunApproval =
  | { kind: 'none' }
  | { kind: 'approved'; body: Record<string, unknown> }
  | { kind: 'waived'; reason: string; detail: string };

/** How the operator is told at the start of the run. */
export function approvalSaid(approval: RunApproval): string | null {
  if (approval.kind === 'approved') return `Approval: ${approvedText(approval.body)}`;
  if (approval.kind === 'waived') return `Approval WAIVED by break-glass (recorded as a deviation): ${approval.detail}`;
  return null;
}

/** A refusal with what the audit event `approval.refused` keeps beside the reason. */
export class ApprovalRefused extends UserError {
  constructor(
    message: string,
    readonly body: Record<string, unknown>,
  ) {
    super(message, 2);
  }
}

/** The plan id of the run as it would start now: the id of the text `handrail plan` prints. */
export function runPlanId(settings: Settings, run: RunPlan): string {
  return planOf(settings, run).id;
}

/** Who Handrail knows the operator as: the name runs are recorded under, the OS account, the full name. */
export function operatorIdentities(settings: Settings): string[] {
  let account = '';
  try {
    account = userInfo().username;
  } catch {
    account = process.env.USER ?? '';
  }
  return [...new Set([settings.operator, account, settings.operatorName ?? ''].filter((n) => n !== ''))];
}

export async function decideRunApproval(settings: Settings, run: RunPlan, request: ApprovalRequest, now = new Date()): Promise<RunApproval> {
  const config = (run.environment as { approval?: ApprovalSettings }).approval;
  const env = run.environmentName;
  const runbook = run.runbook.frontMatter.id;
  const given = request.approval ?? (request.approvalText !== undefined ? (request.approvalLabel ?? 'the approval given') : undefined);
  // Only an environment with approvals pays for building the plan.
  if (given === undefined && config?.required !== true) return { kind: 'none' };
  const id = runPlanId(settings, run);
  const base = { runbook, environment: env, planId: id };
  if (given === undefined) {
    if (config?.required !== true) return { kind: 'none' };
    if (request.breakGlass !== undefined) return { kind: 'waived', reason: request.breakGlass, detail: `plan ${id}` };
    throw new ApprovalRefused(
      `${env} requires an approval from someone in ${config.approvers} other than you, and none was given. ` +
        `Write the plan (handrail plan ${runbook} --env ${env} [the same --input …] --out plan.txt), have an approver sign it (handrail approve plan.txt --key ~/.ssh/id_ed25519), ` +
        `then run with --approval plan.txt.sig (in the console: paste it in the Approval field); in an incident, --break-glass "reason" runs without it and is recorded as a deviation; nothing was executed`,
      { ...base, reason: 'no approval given' },
    );
  }
  if (!config) {
    throw new ApprovalRefused(
      `--approval was given, but ${env} has no approval settings in handrail.yml (approval: { approvers: ./allowed_signers }), so it cannot be checked; leave --approval out, or configure approvers; nothing was executed`,
      { ...base, approval: given, reason: 'no approvers configured' },
    );
  }
  const signersPath = expandPath(config.approvers, settings);
  const signersText = await readFile(signersPath, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new ApprovalRefused(
      `cannot read ${signersPath}, the approvers of ${env} (${error.code ?? String(error)}); check approval.approvers in handrail.yml; nothing was executed`,
      { ...base, approval: given, reason: `approvers file unreadable (${error.code ?? 'error'})` },
    );
  });
  const approvalText = request.approvalText ?? await readBounded(given).catch((error: NodeJS.ErrnoException) => {
    throw new ApprovalRefused(`cannot read the approval ${given} (${error.code ?? String(error)}); nothing was executed`, {
      ...base,
      approval: given,
      reason: `approval unreadable (${error.code ?? 'error'})`,
    });
  });
  const size = typeof approvalText === 'string' ? Buffer.byteLength(approvalText) : approvalText.size;
  if (typeof approvalText !== 'string' || size > MAX_APPROVAL_BYTES) {
    throw new ApprovalRefused(
      `${given} is ${size} bytes${typeof approvalText === 'string' || approvalText.regular ? '' : ' and not a regular file'}; an approval is a few hundred (a statement and an SSH signature): give the PLAN.sig file handrail approve wrote; nothing was executed`,
      { ...base, approval: given, reason: `approval too large or not a file (${size} bytes)` },
    );
  }
  const origin = await approversOrigin(signersPath, signersText, settings.workspace);
  const approvers = { approversSha256: origin.sha256, approversGit: origin.git, ...(origin.commit ? { approversCommit: origin.commit } : {}) };
  const validForText = config['valid-for'] ?? DEFAULT_VALID_FOR;
  const checked: ApprovalDecision = checkApproval({
    approval: approvalText,
    approvalPath: given,
    signers: parseAllowedSigners(signersText),
    signersPath,
    expected: { planId: id, runbook, environment: env },
    operator: operatorIdentities(settings),
    now,
    validForMs: parseDuration(validForText) ?? 3_600_000,
    validForText,
  });
  const untrusted = approversProblem(signersPath, origin);
  const decision: ApprovalDecision = untrusted !== null && checked.ok ? { ok: false, reason: untrusted, brief: 'approvers file not committed', principal: checked.principal, fingerprint: checked.fingerprint, planId: checked.planId } : checked;
  if (decision.ok) {
    const { ok: _ok, ...accepted } = decision;
    return { kind: 'approved', body: { ...base, approval: given, ...accepted, validFor: validForText, ...approvers } };
  }
  // The brief form is for lists; the audit keeps the full reason.
  const { ok: _ok, brief: _brief, ...refused } = decision;
  if (request.breakGlass !== undefined) return { kind: 'waived', reason: request.breakGlass, detail: `plan ${id}; the approval given was refused: ${decision.reason}` };
  throw new ApprovalRefused(`${decision.reason}; nothing was executed`, { ...base, approval: given, ...refused, ...approvers });
}

/**
 * A resume continues under the approval its run started with, without a time limit: the
 * approver agreed to the whole run, and an operator finishing a change that stopped halfway
 * (a crash, a lost connection) should not need a second signature at 3 a.m. It must still be
 * the plan that was approved — an inventory or input changed since gives another plan id,
 * and then a new approval (or break-glass) is needed. A run that went ahead by break-glass
 * needs it typed again: each waiver is recorded where it happened.
 */
export async function decideResumeApproval(
  settings: Settings,
  run: RunPlan,
  request: ApprovalRequest,
  approvedPlans: () => readonly string[],
  runId: string,
): Promise<RunApproval> {
  const config = (run.environment as { approval?: ApprovalSettings }).approval;
  if (request.approval !== undefined || request.approvalText !== undefined || config?.required !== true) return decideRunApproval(settings, run, request);
  const id = runPlanId(settings, run);
  const approvedPlanIds = approvedPlans();
  if (approvedPlanIds.includes(id)) return { kind: 'none' };
  if (request.breakGlass !== undefined) return { kind: 'waived', reason: request.breakGlass, detail: `plan ${id} (resume of run ${runId})` };
  const why = approvedPlanIds.length > 0
    ? `run ${runId} was approved for plan ${approvedPlanIds.at(-1)}, but resuming it now would run plan ${id} (an input, a target, the inventory or the operator changed since)`
    : `run ${runId} started without an approval (by break-glass, or before ${run.environmentName} required one)`;
  throw new ApprovalRefused(
    `${why}; ${run.environmentName} requires an approval: have the plan as it is now approved (handrail plan, handrail approve) and resume with --approval PLAN.sig, or in an incident --break-glass "reason"; nothing was executed`,
    { runbook: run.runbook.frontMatter.id, environment: run.environmentName, planId: id, runId, reason: 'resume without an approval for this plan' },
  );
}
