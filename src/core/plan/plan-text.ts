// The canonical text of a plan: what `handrail plan --out` writes, what an approver reads
// and signs, and what a run recomputes to check that the approval covers exactly this run.
// It must be plain (no colour, no terminal codes), stable (the same plan gives the same
// bytes on every machine and every day: no times, no host-specific layout) and complete
// (every target, command, parameter and confirmation). The plan id is its SHA-256.
import { createHash } from 'node:crypto';
import type { Plan, PlanStep, PlanTarget } from '../../contract/plan.js';

export const PLAN_TEXT_HEADER = 'Handrail plan, format 1';
export const PLAN_TEXT_FOOTER = 'End of plan.';

/** SHA-256 (hex) of the canonical text's UTF-8 bytes: the plan's id. */
export function planId(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export function canonicalPlanText(plan: Plan): string {
  const lines: string[] = [PLAN_TEXT_HEADER, ''];
  const { runbook, environment } = plan;
  lines.push(
    `Runbook: ${runbook.id} ${runbook.version} (${runbook.title})`,
    `Runbook SHA-256: ${runbook.sha256}`,
    `Environment: ${environment.name}${environment.protected ? ' (protected: every change needs its name typed)' : ''}`,
    `Operator: ${plan.operator}`,
    `Approval: ${plan.approval.required ? `required, from a signer in ${plan.approval.approvers ?? '(no approvers file named)'} who is not the operator` : 'none'}`,
    '',
    'Inputs:',
  );
  if (plan.inputs.length === 0) lines.push('  (none)');
  for (const input of plan.inputs) {
    lines.push(input.secret ? `  ${input.name} = [secret: ${input.name}] sha256:${input.sha256 ?? '?'}` : `  ${input.name} = ${JSON.stringify(input.value ?? '')}`);
  }
  lines.push('', 'Targets:');
  if (plan.targets.length === 0) lines.push('  (none)');
  for (const t of plan.targets) lines.push(`  ${t.name} = ${targetText(t)}${t.access ? ` (${t.access})` : ''}`);
  if (plan.variables.length > 0 || plan.passEnv.length > 0) {
    lines.push('', 'Variables every sh step gets:');
    for (const v of plan.variables) lines.push(`  ${v.name}=${v.value}`);
    if (plan.passEnv.length > 0) lines.push(`  passed from Handrail's environment (values not shown): ${plan.passEnv.join(', ')}`);
  }
  lines.push('', `Steps: ${plan.steps.length}`);
  for (const step of plan.steps) lines.push('', ...stepLines(step, plan));
  lines.push('', PLAN_TEXT_FOOTER, '');
  return visible(lines.join('\n'));
}

function stepLines(step: PlanStep, plan: Plan): string[] {
  const out = [`Step ${step.number} of ${plan.steps.length}: ${step.title}`];
  const where = step.target === undefined ? undefined : plan.targets.find((t) => t.name === step.target);
  out.push(`  Kind: ${kindLine(step, where === undefined ? undefined : where.kind === 'local' ? where.where : targetText(where))}`);
  if (step.kind !== 'manual') {
    out.push(
      `  Changes: ${step.snapshots.length > 0 ? `${step.snapshots.join(', ')} (each snapshotted and the snapshot verified before the step runs)` : changesNothing(step)}`,
    );
  }
  out.push(`  Confirmation: ${confirmationLine(step, plan)}`);
  if (plan.approval.required && step.kind !== 'manual') out.push(`  Approval: the run's (required in ${plan.environment.name})`);
  if (step.expectations.length > 0) out.push(`  Expects: ${step.expectations.join('; ')}`);
  if (step.kind !== 'manual') out.push(`  Idempotent: ${step.idempotent ? 'yes (may be retried after a crash)' : 'no'}`);
  if (step.parameters.length > 0) {
    out.push('  Parameters (bound, never spliced into the SQL):');
    for (const p of step.parameters) out.push(`    :${p.name} = ${p.value}`);
  }
  if (step.command !== undefined) {
    out.push(step.kind === 'http' ? '  Request:' : '  Command:');
    for (const line of step.command.replace(/\n+$/, '').split('\n')) out.push(`    | ${line}`);
  }
  return out;
}

function targetText(t: PlanTarget): string {
  return t.kind === 'local' ? `local (${t.where})` : `${t.kind} ${t.where}`;
}

function kindLine(step: PlanStep, where: string | undefined): string {
  switch (step.kind) {
    case 'manual':
      return 'manual (the operator does it and marks it done)';
    case 'http':
      return 'http';
    default:
      return `${step.kind} on ${step.target ?? '?'}${where ? ` (${where})` : ''}`;
  }
}

function changesNothing(step: PlanStep): string {
  switch (step.kind) {
    case 'sql':
      return 'nothing (read-only)';
    case 'sh':
      return 'no database declared (what a sh step changes on its host is not snapshotted)';
    default:
      return 'no database (an HTTP request may change what it calls)';
  }
}

function confirmationLine(step: PlanStep, plan: Plan): string {
  switch (step.confirmation) {
    case 'typed-name':
      return `the environment's name typed: ${plan.environment.name} (--confirm ${plan.environment.name})`;
    case 'yes':
      return 'yes before it runs (--yes)';
    default:
      return step.kind === 'manual' ? 'marked done by the operator (--yes)' : 'none';
  }
}

/**
 * Terminal control characters, bidirectional overrides and invisible characters (zero-width,
 * a line separator an editor shows as a new line, tag characters) written out as `\u{…}`: a
 * plan is read in a terminal or an editor, and any of them could make the approver read
 * something other than what runs. Tab and newline are the text's own layout. A `\u{` already
 * in the text is written `\u{5c}u{`, so the text `\u{1b}` and the escape character itself
 * never read the same (and never give the same plan id).
 */
function visible(text: string): string {
  return text
    .replace(/\\u\{/g, '\\u{5c}u{')
    .replace(/(?![\t\n])[\p{Cc}\p{Cf}\u2028\u2029]/gu, (c) => `\\u{${c.codePointAt(0)?.toString(16)}}`);
}
