// Finding and reading what a run needs (the runbook file, the inventory) for the guards
// decided in src/core/guards/plan-run.ts. A refusal is a UserError (exit 2) that says why
// and that nothing was executed.
import { basename, isAbsolute, resolve } from 'node:path';
import { stat } from 'node:fs/promises';
import type { Inventory, TargetSpec } from '../contract/inventory.js';
import { closest } from '../core/did-you-mean.js';
import { decideRunPlan, type RunPlan } from '../core/guards/plan-run.js';
import { parseInventory } from '../core/inventory/parse-inventory.js';
import { formatProblem } from '../core/problems.js';
import { parseRunbook } from '../core/runbook/parse-runbook.js';
import { passwordSecretOf } from './database-password.js';
import { UserError } from './errors.js';
import { findRunbookFiles, INVENTORY_FILE, readSource } from './workspace.js';

const NOTHING = 'nothing was executed';

export type { RunPlan };

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

/** Checks a runbook's bytes for a run in `environmentName` (decideRunPlan); a refusal is a UserError. Await loadShellGrammar() once first. */
export function planRun(
  path: string,
  source: Uint8Array,
  inventory: Inventory,
  environmentName: string,
  given: Record<string, string>,
): RunPlan {
  const decided = decideRunPlan(path, source, inventory, environmentName, given, passwordSecretOf);
  if (!decided.ok) throw new UserError(`${decided.refusal}; ${NOTHING}`);
  return decided.plan;
}

/** What a lock on a database target is keyed by: the database itself, not its name. */
export function lockKey(spec: TargetSpec, resolvePath: (p: string) => string): string {
  if (spec === 'local') return 'local';
  if ('sqlite' in spec) return `sqlite:${resolvePath(spec.sqlite)}`;
  if ('postgres' in spec) return `postgres:${spec.postgres}`;
  return `ssh:${spec.ssh}`;
}
