// `handrail validate` checks the allowed_signers file each environment's approvals name, as
// a run would read it: a line ssh-keygen would reject is a problem at its line and column
// now, not a refused approval in the middle of an incident.
import { readFile } from 'node:fs/promises';
import type { Inventory } from '../contract/inventory.js';
import type { Problem } from '../contract/problem.js';
import { parseAllowedSigners } from '../core/approvals/allowed-signers.js';
import { expandPath } from './paths.js';

export async function approversProblems(
  inventory: Inventory | undefined,
  workspace: string,
  show: (path: string) => string,
  readText: (path: string) => Promise<string> = (path) => readFile(path, 'utf8'),
): Promise<Problem[]> {
  const problems: Problem[] = [];
  const seen = new Set<string>();
  for (const [name, env] of Object.entries(inventory?.environments ?? {})) {
    if (!env.approval || env.approval.approvers.includes('${data_dir}')) continue;
    const path = expandPath(env.approval.approvers, { workspace, dataDir: workspace });
    if (seen.has(path)) continue;
    seen.add(path);
    const at = (line: number, col: number, message: string): Problem => ({ path: show(path), line, col, severity: 'error', message });
    let text: string;
    try {
      text = await readText(path);
    } catch (error) {
      problems.push(at(1, 1, `the approvers of environment ${name} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}); every run there that needs an approval would be refused`));
      continue;
    }
    for (const p of parseAllowedSigners(text).problems) problems.push(at(p.line, p.column, `${p.message} (allowed_signers, as ssh-keygen reads it)`));
  }
  return problems;
}
