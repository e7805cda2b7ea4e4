// A run's plan, from the guards' decision (decideRunPlan): every step resolved in the
// environment with what the engine would do, in the engine's own words. The command shown is
// built by the same functions the engine previews a step with (displayCommand), so what the
// approver reads is what would run. Pure: paths are resolved by the caller's function.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { isDatabaseKind, targetKind, type Environment, type TargetSpec } from '../../contract/inventory.js';
import type { Plan, PlanApproval, PlanInput, PlanStep, PlanTarget } from '../../contract/plan.js';
import type { Step, StepAction } from '../../contract/runbook.js';
import { Redactor } from '../engine/redact.js';
import { displayCommand } from '../engine/step-actions.js';
import type { RunPlan } from '../guards/plan-run.js';
import { needsConfirmation } from '../guards/protected-environment.js';
import { analyzeSql } from '../sql/sql-analysis.js';

export interface PlanContext {
  /** Who would run it. */
  operator: string;
  /** A path from handrail.yml as a step would open it (`~/`, `${data_dir}/`, relative to the workspace). */
  resolvePath: (path: string) => string;
  /** A variable's value as a step would get it (`${data_dir}`, `${workspace}` expanded). */
  expandVariable: (value: string) => string;
}

/** Await loadShellGrammar() once first: sh commands are previewed with the shell grammar. */
export function buildPlan(run: RunPlan, ctx: PlanContext): Plan {
  const fm = run.runbook.frontMatter;
  const declared = fm.inputs ?? {};
  const secretInputs = new Set(Object.entries(declared).flatMap(([name, d]) => (d.secret ? [name] : [])));
  const redactor = new Redactor(run.secrets);
  const isProtected = run.environment.protected === true;
  return {
    format: 1,
    runbook: { id: fm.id, title: fm.title, version: fm.version, sha256: run.runbook.sha256 },
    environment: { name: run.environmentName, protected: isProtected },
    operator: ctx.operator,
    approval: approvalOf(run.environment),
    inputs: Object.keys(declared).flatMap((name): PlanInput[] => {
      if (!Object.hasOwn(run.inputs, name)) return [];
      const value = String(run.inputs[name]);
      return secretInputs.has(name) ? [{ name, secret: true, sha256: secretHash(run.runbook.sha256, name, value) }] : [{ name, secret: false, value }];
    }),
    targets: [...run.targets].map(([name, spec]) => planTarget(name, spec, ctx)),
    variables: Object.entries(run.environment.variables ?? {}).map(([name, value]) => ({ name, value: ctx.expandVariable(String(value)) })),
    passEnv: [...(run.environment['pass-env'] ?? [])],
    steps: run.runbook.steps.map((step) => planStep(step, run, redactor, secretInputs, isProtected)),
  };
}

/**
 * A secret input's value, hashed so a changed secret changes the plan, salted with the
 * runbook's hash and the input's name so equal secrets in two plans do not look equal. A
 * short or guessable secret can still be guessed from its hash: the plan file is for the
 * people who approve the run, not for publishing.
 */
export function secretHash(runbookSha256: string, name: string, value: string): string {
  return createHash('sha256').update(`handrail-plan-secret\n${runbookSha256}\n${name}\n${value}`, 'utf8').digest('hex');
}

function planTarget(name: string, spec: TargetSpec, ctx: PlanContext): PlanTarget {
  const kind = targetKind(spec);
  if (spec === 'local') return { name, kind, where: 'this machine' };
  if ('ssh' in spec) {
    // Which known_hosts file is trusted decides which machine answers as this host: another
    // file is another target, so it is part of what the approver signs.
    const hostKeys = spec['known-hosts'] !== undefined ? `, host keys from ${ctx.resolvePath(spec['known-hosts'])}` : '';
    return { name, kind, where: `${spec.ssh}:${spec.port ?? 22}`, access: `${spec.identity ? `key ${spec.identity}` : 'ssh-agent'}${hostKeys}` };
  }
  if ('sqlite' in spec) {
    // A seed runs its SQL when the file is missing: what it would run is part of the plan.
    return { name, kind, where: ctx.resolvePath(spec.sqlite), ...(spec.seed !== undefined ? { access: `created from ${ctx.resolvePath(spec.seed)} when missing` } : {}) };
  }
  const password = spec['password-env'];
  return { name, kind, where: withoutPassword(spec.postgres), ...(password ? { access: `password from $${password}` } : {}) };
}

/** A URL with any password in it removed: the plan is read by people who must not see it. */
export function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password === '') return url;
    parsed.password = '';
    return parsed.toString();
  } catch {
    return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1@');
  }
}

function planStep(step: Step, run: RunPlan, redactor: Redactor, secretInputs: ReadonlySet<string>, isProtected: boolean): PlanStep {
  const base = { number: step.index + 1, title: step.title };
  const action = step.action;
  if (!action) return { ...base, kind: 'manual', parameters: [], snapshots: [], confirmation: 'none', expectations: [], idempotent: false };
  const a = action.attributes;
  const confirmation = needsConfirmation(a, isProtected) ? (isProtected ? 'typed-name' : 'yes') : 'none';
  return {
    ...base,
    kind: action.kind,
    ...(action.kind !== 'http' && a.target !== undefined ? { target: a.target } : {}),
    command: displayCommand(action, run.inputs, redactor, secretInputs),
    parameters: action.kind === 'sql' ? sqlParameters(action, run, secretInputs) : [],
    snapshots: [...a.mutates],
    confirmation,
    expectations: expectations(action),
    idempotent: a.idempotent,
    ...(a.timeoutMs !== undefined ? { timeoutMs: a.timeoutMs } : {}),
  };
}

function sqlParameters(action: StepAction, run: RunPlan, secretInputs: ReadonlySet<string>): PlanStep['parameters'] {
  const spec = run.targets.get(action.attributes.target ?? '');
  const kind = spec ? targetKind(spec) : 'sqlite';
  const analysis = analyzeSql(action.code, isDatabaseKind(kind) ? kind : 'sqlite');
  if (!analysis.ok) return [];
  const names = [...new Set(analysis.parameters.map((p) => p.name))];
  return names.map((name) => ({
    name,
    value: secretInputs.has(name) ? `[secret: ${name}]` : Object.hasOwn(run.inputs, name) ? JSON.stringify(run.inputs[name]) : '(no such input)',
  }));
}

/** What the engine checks (src/core/engine/step-actions.ts), in words. */
function expectations(action: StepAction): string[] {
  const a = action.attributes;
  const out: string[] = [];
  if (action.kind === 'sh') out.push(`exits with code ${a.expectExit ?? 0}`);
  if (action.kind === 'http') out.push(a.expectStatus === undefined ? 'the server answers with a 2xx status' : `the server answers with status ${a.expectStatus}`);
  if (a.expectRows !== undefined) out.push(`${a.mutates.length > 0 ? 'changes or returns' : 'returns'} exactly ${a.expectRows} row${a.expectRows === 1 ? '' : 's'} (expect-rows=${a.expectRows})`);
  if (a.expectOutput !== undefined) out.push(`a line of the output matches /${a.expectOutput}/`);
  if (a.timeoutMs !== undefined) out.push(`stopped after ${duration(a.timeoutMs)}`);
  return out;
}

function duration(ms: number): string {
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  if (ms % 1000 === 0) return `${ms / 1000} s`;
  return `${ms} ms`;
}

/**
 * An environment's approval rule, `approval: { required: true, approvers: ./allowed_signers }`.
 * Read leniently here: the inventory's schema owns its validation; a plan only reports it.
 */
const ApprovalSetting = z.object({ required: z.boolean().optional(), approvers: z.string().optional() }).passthrough();

function approvalOf(environment: Environment): PlanApproval {
  const parsed = ApprovalSetting.safeParse((environment as Record<string, unknown>).approval);
  if (!parsed.success || parsed.data.required !== true) return { required: false };
  return { required: true, ...(parsed.data.approvers !== undefined ? { approvers: parsed.data.approvers } : {}) };
}
