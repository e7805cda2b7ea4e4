// The guards checked before anything runs: the runbook is valid, allowed in the chosen
// environment, its inputs are valid and every target it uses exists there. A refusal is a
// UserError (exit 2) that says why and that nothing was executed.
import { basename, isAbsolute, resolve } from 'node:path';
import { stat } from 'node:fs/promises';
import type { Environment, Inventory, TargetSpec } from '../contract/inventory.js';
import type { Runbook } from '../contract/runbook.js';
import { closest } from '../core/did-you-mean.js';
import { checkInputs, type InputValues } from '../core/engine/inputs.js';
import type { Secret } from '../core/engine/redact.js';
import { parseInventory } from '../core/inventory/parse-inventory.js';
import { formatProblem, ProblemList } from '../core/problems.js';
import { parseRunbook } from '../core/runbook/parse-runbook.js';
import { validateRunbook } from '../core/validate/validate-runbook.js';
import { passwordSecretOf } from './database-password.js';
import { UserError } from './errors.js';
import { findRunbookFiles, INVENTORY_FILE, readSource } from './workspace.js';

const NOTHING = 'nothing was executed';

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

/** Finds a runbook by id in the workspace, or by path. */
export async function locateRunbook(ref: string, workspace: string, cwd: string): Promise<string> {
  if (ref.endsWith('.md')) {
    for (const candidate of isAbsolute(ref) ? [ref] : [resolve(cwd, ref), resolve(workspace, ref)]) {
      if (await stat(candidate).catch(() => undefined)) return candidate;
    }
  }
  const ids: string[] = [];
  let invalid: { file: string; first: string } | undefined;
  for (const file of await findRunbookFiles(workspace)) {
    const [bytes, size] = await readSource(file);
    const parsed = parseRunbook(file, bytes, size);
    const id = parsed.runbook?.frontMatter.id;
    if (id === ref) return file;
    if (id !== undefined) ids.push(id);
    // A runbook that does not parse has no id to match; its file name is the next best thing
    // (`handrail list` shows such a file too, so "no runbook" would be wrong).
    else if (basename(file, '.md') === ref) {
      const first = parsed.problems.find((p) => p.severity === 'error');
      invalid = { file, first: first ? formatProblem(first) : 'it could not be read as a runbook' };
    }
  }
  if (invalid) throw new UserError(`runbook '${ref}' (${invalid.file}) is not valid: ${invalid.first}; fix it (handrail validate) before running; ${NOTHING}`);
  const near = closest(ref, ids);
  throw new UserError(`no runbook '${ref}' in ${workspace}${near ? ` — did you mean '${near}'?` : ''} (handrail list shows them); ${NOTHING}`);
}

export async function loadInventory(workspace: string): Promise<Inventory> {
  const path = resolve(workspace, INVENTORY_FILE);
  const parsed = parseInventory(path, ...(await readSource(path)));
  if (!parsed.inventory) {
    const first = parsed.problems[0];
    throw new UserError(`${INVENTORY_FILE} is not valid (${first ? formatProblem(first) : 'unknown problem'}); run handrail validate; ${NOTHING}`);
  }
  return parsed.inventory;
}

/** Checks a runbook's bytes for a run in `environmentName`. Await loadShellGrammar() once first (the validator reads sh steps with it). */
export function planRun(
  path: string,
  source: Uint8Array,
  inventory: Inventory,
  environmentName: string,
  given: Record<string, string>,
): RunPlan {
  const parsed = parseRunbook(path, source);
  const problems = new ProblemList(path);
  if (parsed.draft) validateRunbook(parsed.draft, inventory, problems);
  const errors = [...parsed.problems, ...problems.items].filter((p) => p.severity === 'error');
  const runbook = parsed.runbook;
  if (!runbook || errors.length > 0) {
    throw new UserError(
      `the runbook has ${errors.length} problem${errors.length === 1 ? '' : 's'}, the first: ${errors[0] ? formatProblem(errors[0]) : '?'}; fix them (handrail validate) before running; ${NOTHING}`,
    );
  }
  const fm = runbook.frontMatter;
  const environment = inventory.environments[environmentName];
  if (!environment) {
    throw new UserError(`there is no environment '${environmentName}' in ${INVENTORY_FILE} (there are: ${Object.keys(inventory.environments).join(', ')}); ${NOTHING}`);
  }
  if (fm.environments && !fm.environments.includes(environmentName)) {
    throw new UserError(
      `runbook '${fm.id}' may only run in ${fm.environments.join(', ')} — not in '${environmentName}'; ${NOTHING}`,
    );
  }
  const inputs = checkInputs(fm, given);
  if (!inputs.ok) throw new UserError(`${inputs.problems.join('; ')}; ${NOTHING}`);

  const targets = new Map<string, TargetSpec>();
  for (const step of runbook.steps) {
    const a = step.action?.attributes;
    for (const name of [a?.target, ...(a?.mutates ?? [])]) {
      if (name === undefined) continue;
      const spec: TargetSpec | undefined = name === 'local' ? 'local' : environment.targets[name];
      if (!spec) {
        throw new UserError(`step ${step.index + 1} (${step.title}) uses target '${name}', which environment '${environmentName}' does not define; ${NOTHING}`);
      }
      targets.set(name, spec);
    }
  }
  // Database passwords are secrets too: a step that echoes $PGPASSWORD must not leak it.
  const passwords = [...targets.values()].flatMap((spec) => passwordSecretOf(spec) ?? []);
  return { runbook, source, inventory, environmentName, environment, inputs: inputs.values, secrets: [...inputs.secrets, ...passwords], targets, warnings: inputs.warnings };
}

/** What a lock on a database target is keyed by: the database itself, not its name. */
export function lockKey(spec: TargetSpec, resolvePath: (p: string) => string): string {
  if (spec === 'local') return 'local';
  if ('sqlite' in spec) return `sqlite:${resolvePath(spec.sqlite)}`;
  if ('postgres' in spec) return `postgres:${spec.postgres}`;
  return `ssh:${spec.ssh}`;
}
