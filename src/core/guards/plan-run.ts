// The guards checked before anything runs, as one pure decision: the runbook is valid,
// allowed in the chosen environment, its inputs are valid and every target it uses exists
// there. Reading the files and the passwords from the process's environment is the app's;
// what is allowed is decided here. A refusal says why; the caller adds that nothing ran.
import type { Environment, Inventory, TargetSpec } from '../../contract/inventory.js';
import type { Runbook } from '../../contract/runbook.js';
import { checkInputs, type InputValues } from '../engine/inputs.js';
import type { Secret } from '../engine/redact.js';
import { formatProblem, ProblemList } from '../problems.js';
import { parseRunbook } from '../runbook/parse-runbook.js';
import { validateRunbook } from '../validate/validate-runbook.js';
import { findEnvironment, targetIn } from './target-exists.js';

export interface RunPlan {
  runbook: Runbook;
  source: Uint8Array;
  inventory: Inventory;
  environmentName: string;
  environment: Environment;
  inputs: InputValues;
  /** Values to mask everywhere: secret inputs and the passwords of the environment's databases. */
  secrets: Secret[];
  /** Every target a step uses or changes, with what it is in this environment. */
  targets: Map<string, TargetSpec>;
  /** Worth telling the operator before the run starts (a secret too short to mask). */
  warnings: string[];
}

export type PlanDecision = { ok: true; plan: RunPlan } | { ok: false; refusal: string };

/**
 * Checks a runbook's bytes for a run in `environmentName`. The shell grammar must be loaded
 * first (the validator reads sh steps with it). `passwordOf` names a database target's
 * password, a secret to mask like the secret inputs.
 */
export function decideRunPlan(
  path: string,
  source: Uint8Array,
  inventory: Inventory,
  environmentName: string,
  given: Record<string, string>,
  passwordOf: (spec: TargetSpec) => Secret | undefined,
): PlanDecision {
  const parsed = parseRunbook(path, source);
  const problems = new ProblemList(path);
  if (parsed.draft) validateRunbook(parsed.draft, inventory, problems);
  const errors = [...parsed.problems, ...problems.items].filter((p) => p.severity === 'error');
  const runbook = parsed.runbook;
  if (!runbook || errors.length > 0) {
    return {
      ok: false,
      refusal: `the runbook has ${errors.length} problem${errors.length === 1 ? '' : 's'}, the first: ${errors[0] ? formatProblem(errors[0]) : '?'}; fix them (handrail validate) before running`,
    };
  }
  const fm = runbook.frontMatter;
  const found = findEnvironment(inventory, environmentName);
  if (!found.ok) return { ok: false, refusal: found.message };
  const environment = found.value;
  if (fm.environments && !fm.environments.includes(environmentName)) {
    return { ok: false, refusal: `runbook '${fm.id}' may only run in ${fm.environments.join(', ')} — not in '${environmentName}'` };
  }
  const inputs = checkInputs(fm, given);
  if (!inputs.ok) return { ok: false, refusal: inputs.problems.join('; ') };

  const targets = new Map<string, TargetSpec>();
  for (const step of runbook.steps) {
    const a = step.action?.attributes;
    for (const name of [a?.target, ...(a?.mutates ?? [])]) {
      if (name === undefined) continue;
      const spec = targetIn(environment, name);
      if (!spec) return { ok: false, refusal: `step ${step.index + 1} (${step.title}) uses target '${name}', which environment '${environmentName}' does not define` };
      targets.set(name, spec);
    }
  }
  // Database passwords are secrets too: a step that echoes $PGPASSWORD must not leak it.
  const passwords = [...targets.values()].flatMap((spec) => passwordOf(spec) ?? []);
  return {
    ok: true,
    plan: { runbook, source, inventory, environmentName, environment, inputs: inputs.values, secrets: [...inputs.secrets, ...passwords], targets, warnings: inputs.warnings },
  };
}
