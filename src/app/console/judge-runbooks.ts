// How the Runbooks view judges a runbook: parsed and validated against handrail.yml as parsed
// from the bytes the catalog read (the key of the kept verdicts is made of the same bytes).
// Loads every parser: the catalog imports it only when something must be judged.
import { relative } from 'node:path';
import { parseInventory } from '../../core/inventory/parse-inventory.js';
import { loadShellGrammar } from '../../core/engine/shell-placeholders.js';
import type { RunbookIdentity } from '../version-check.js';
import { runbookEntry, type LoadedInventory, type RunbookEntry } from '../workspace.js';
import type { KeptVerdict } from './kept-verdicts.js';

export type Source = [Uint8Array, number];

/** handrail.yml as the judging reads it; `path` is absolute, shown relative to the workspace. */
export function inventoryOf(workspace: string, path: string, source: Source): LoadedInventory {
  return { ...parseInventory(relative(workspace, path), ...source), path };
}

export async function judgeRunbook(workspace: string, file: string, source: Source, inventory: LoadedInventory): Promise<{ entry: RunbookEntry; verdict: KeptVerdict }> {
  await loadShellGrammar();
  const entry = runbookEntry(file, source, inventory, { cwd: workspace });
  const rb = entry.parsed.runbook;
  const identity: RunbookIdentity | null = rb
    ? { path: rb.path, sha256: rb.sha256, frontMatter: { id: rb.frontMatter.id, version: rb.frontMatter.version }, keyPos: { version: rb.keyPos.version } }
    : null;
  return { entry, verdict: { summary: entry.summary, problems: entry.problems, identity } };
}
