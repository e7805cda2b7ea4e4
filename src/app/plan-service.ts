// `handrail plan` and the console's plan: the guards a run checks, then every step resolved,
// and nothing else. A plan opens no connection, takes no lock, creates no database (not even
// a practice one from its seed), and writes nothing to the data folder: no run row and no
// audit event, because nothing happened that the trail must answer for. The run that follows
// records what it ran.
import { relative } from 'node:path';
import type { Plan } from '../contract/plan.js';
import { loadShellGrammar } from '../core/engine/shell-placeholders.js';
import { buildPlan } from '../core/plan/build-plan.js';
import { canonicalPlanText, planId } from '../core/plan/plan-text.js';
import { expandPath, expandVariables } from './paths.js';
import { loadInventory, locateRunbook, planRun, type RunPlan } from './run-plan.js';
import type { Settings } from './settings.js';
import { readSource } from './workspace.js';

export interface PlanRequest {
  runbook: string;
  environment: string;
  inputs: Record<string, string>;
}

export interface ResolvedPlan {
  plan: Plan;
  /** The canonical text: what `--out` writes and an approver signs. */
  text: string;
  /** SHA-256 (hex) of `text`. */
  id: string;
}

/** The plan of a run already through the guards (run-service has one before it starts). */
export function planOf(settings: Settings, run: RunPlan): ResolvedPlan {
  const plan = buildPlan(run, {
    operator: settings.operator,
    resolvePath: (p) => expandPath(p, settings),
    expandVariable: (v) => expandVariables(v, settings),
  });
  const text = canonicalPlanText(plan);
  return { plan, text, id: planId(text) };
}

/** Checks the guards as `run` would (a refusal is a UserError, exit 2) and resolves the run's plan. */
export async function resolveRun(settings: Settings, request: PlanRequest, cwd: string): Promise<RunPlan> {
  const path = await locateRunbook(request.runbook, settings.workspace, cwd);
  const inventory = await loadInventory(settings.workspace);
  const [source] = await readSource(path);
  await loadShellGrammar();
  return planRun(relative(settings.workspace, path), source, inventory, request.environment, request.inputs);
}

export async function makePlan(settings: Settings, request: PlanRequest, cwd: string): Promise<ResolvedPlan & { run: RunPlan }> {
  const run = await resolveRun(settings, request, cwd);
  return { ...planOf(settings, run), run };
}
