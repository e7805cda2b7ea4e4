// A workspace is a folder with handrail.yml and runbook files (*.md). This file reads them
// from disk and hands the bytes to core, which does the judging.
import { basename, dirname, join, resolve } from 'node:path';
import type { Problem } from '../contract/problem.js';
import type { Runbook, RunbookSummary } from '../contract/runbook.js';
import { parseInventory, type ParsedInventory } from '../core/inventory/parse-inventory.js';
import { ProblemList, sortProblems } from '../core/problems.js';
import { parseRunbook, type ParsedRunbook } from '../core/runbook/parse-runbook.js';
import { loadShellGrammar } from '../core/engine/shell-placeholders.js';
import { validateRunbook } from '../core/validate/validate-runbook.js';
import { UserError } from './errors.js';
import { approversProblems } from './approvers-problems.js';
import { diskReader, type WorkspaceReader } from './validation-inputs.js';

import { INVENTORY_FILE } from '../core/inventory/inventory-file.js';

export { INVENTORY_FILE };

// The file side, apart so that a command that only reads files does not load the parsers.
import { DRAFT_SUFFIX, findRunbookFiles, readSource, requireInventory, shownPath } from './workspace-files.js';

export { DRAFT_SUFFIX, findRunbookFiles, readSource };

export { formatProblem } from '../core/problems.js';

export interface ValidationReport {
  files: number;
  problems: Problem[];
}

/** Problem paths are shown relative to where the operator stands. */
export interface Display {
  cwd: string;
}

/**
 * `recorded`: problems from outside the file, e.g. its bytes differ from a stored version
 * with the same `version` (src/app/version-check.ts). `reader`: every read of the disk the
 * verdict depends on (a recording one lets the verdict be kept, validate-cache.ts).
 */
export async function validatePaths(paths: string[], workspace: string, display: Display, recorded?: RecordedCheck, reader: WorkspaceReader = diskReader): Promise<ValidationReport> {
  await loadShellGrammar();
  const inventories = new InventoryCache(display, reader);
  const files = new Set<string>();
  const problems: Problem[] = [];
  const targets = paths.length > 0 ? paths : [workspace];
  for (const given of targets) {
    const path = resolve(display.cwd, given);
    const kind = await reader.kind(path);
    if (kind === 'absent') throw new UserError(`validate: no such file or folder: ${given}; nothing was validated`);
    if (kind === 'dir') {
      const inventoryPath = join(path, INVENTORY_FILE);
      if ((await reader.kind(inventoryPath)) === 'absent') {
        problems.push(problemAt(display, inventoryPath, `this folder has no ${INVENTORY_FILE}; a workspace needs one listing its environments (see runbooks/${INVENTORY_FILE})`));
      } else {
        files.add(inventoryPath);
      }
      for (const file of await reader.runbookFiles(path)) files.add(file);
    } else {
      files.add(path);
    }
  }
  for (const file of files) {
    if (basename(file) === INVENTORY_FILE || /\.ya?ml$/.test(file)) {
      const loaded = await inventories.load(file);
      problems.push(...loaded.problems, ...(await approversProblems(loaded.inventory, dirname(file), (p) => shown(display, p), reader.text)));
    } else {
      const inventory = await inventoryFor(file, workspace, inventories, reader);
      problems.push(...runbookProblems(file, await reader.source(file), inventory, display, { inventoryChecked: files.has(inventory?.path ?? ''), recorded }));
    }
  }
  return { files: files.size, problems: sortProblems(problems) };
}

/**
 * What `handrail validate FILE` reports for a runbook whose bytes are `source`, as if it
 * were written at `file` — the editor calls this on unsaved text, so both show the same
 * problems at the same positions.
 */
export async function validateRunbookSource(
  file: string,
  source: [Uint8Array, number],
  workspace: string,
  display: Display,
  recorded?: RecordedCheck,
): Promise<Problem[]> {
  const inventory = await inventoryFor(file, workspace, new InventoryCache(display, diskReader), diskReader);
  await loadShellGrammar();
  return sortProblems(runbookProblems(file, source, inventory, display, { inventoryChecked: false, recorded }));
}

/** One runbook's problems: its own, a pointer to a broken inventory (unless that is checked too), and the judgement against the inventory. */
function runbookProblems(
  file: string,
  source: [Uint8Array, number],
  inventory: LoadedInventory | undefined,
  display: Display,
  options: { inventoryChecked: boolean; recorded?: RecordedCheck | undefined },
): Problem[] {
  const parsed = parseRunbook(shown(display, file), ...source);
  const problems = [...parsed.problems];
  if (inventory?.problems.length && !options.inventoryChecked) {
    problems.push(problemAt(display, inventory.path, `${INVENTORY_FILE} has problems; run handrail validate on it`));
  }
  problems.push(...judge(parsed, inventory, display, file));
  if (parsed.runbook && options.recorded) problems.push(...options.recorded(parsed.runbook));
  return problems;
}

/** Judges a parsed runbook against what was recorded outside the workspace (the version store). */
export type RecordedCheck = (runbook: Runbook) => Problem[];

export async function listRunbooks(workspace: string, display: Display): Promise<RunbookSummary[]> {
  const inventory = await loadWorkspaceInventory(workspace, display);
  await loadShellGrammar();
  const summaries: RunbookSummary[] = [];
  for (const file of await findRunbookFiles(workspace)) summaries.push(runbookEntry(file, await readSource(file), inventory, display).summary);
  return summaries.sort((a, b) => a.id.localeCompare(b.id));
}

/** listRunbooks over runbook bytes read already: the list cache (runbook-list-cache.ts) stores what it judged under the hash of the same bytes. */
export async function listRunbookSources(workspace: string, runbooks: { file: string; source: [Uint8Array, number] }[], display: Display): Promise<RunbookSummary[]> {
  const inventory = await loadWorkspaceInventory(workspace, display);
  await loadShellGrammar();
  return runbooks.map(({ file, source }) => runbookEntry(file, source, inventory, display).summary).sort((a, b) => a.id.localeCompare(b.id));
}

/** One runbook file of a workspace: its summary, every problem found in it, and the parse. */
export interface RunbookEntry {
  summary: RunbookSummary;
  problems: Problem[];
  parsed: ParsedRunbook;
}

/** The workspace's handrail.yml, parsed (with its own problems); refuses a folder that is not a workspace. */
export async function loadWorkspaceInventory(workspace: string, display: Display): Promise<LoadedInventory> {
  return new InventoryCache(display).load(await requireInventory(workspace));
}

/**
 * Parses one runbook's bytes and judges it against the workspace's inventory. The validator
 * reads sh steps with the bash grammar: await loadShellGrammar() once before calling this.
 */
export function runbookEntry(file: string, source: [Uint8Array, number], inventory: LoadedInventory | undefined, display: Display): RunbookEntry {
  const parsed = parseRunbook(shown(display, file), ...source);
  const problems = sortProblems([...parsed.problems, ...judge(parsed, inventory, display, file)]);
  const rb = parsed.runbook;
  const summary: RunbookSummary = {
    id: rb?.frontMatter.id ?? basename(file, '.md'),
    title: rb?.frontMatter.title ?? basename(file),
    version: rb?.frontMatter.version ?? '',
    ...(rb?.frontMatter.owner ? { owner: rb.frontMatter.owner } : {}),
    ...(rb?.frontMatter.summary ? { summary: rb.frontMatter.summary } : {}),
    ...(rb?.frontMatter.environments ? { environments: rb.frontMatter.environments } : {}),
    path: shown(display, file),
    sha256: rb?.sha256 ?? '',
    steps: rb?.steps.length ?? 0,
    problems: problems.filter((p) => p.severity === 'error').length,
  };
  return { summary, problems, parsed };
}

function judge(parsed: ParsedRunbook, inventory: LoadedInventory | undefined, display: Display, file: string): Problem[] {
  if (!parsed.draft) return [];
  const problems = new ProblemList(shown(display, file));
  validateRunbook(parsed.draft, inventory?.inventory, problems);
  return problems.items;
}

/** A runbook is judged against the handrail.yml of the folder it sits in (or above it), else the workspace's. */
async function inventoryFor(file: string, workspace: string, inventories: InventoryCache, reader: WorkspaceReader): Promise<LoadedInventory | undefined> {
  const inventoryPath = (await reader.nearestInventory(dirname(file))) ?? join(workspace, INVENTORY_FILE);
  return (await reader.kind(inventoryPath)) !== 'absent' ? inventories.load(inventoryPath) : undefined;
}

export type LoadedInventory = ParsedInventory & { path: string };

class InventoryCache {
  private readonly cache = new Map<string, Promise<LoadedInventory>>();

  constructor(
    private readonly display: Display,
    private readonly reader: WorkspaceReader = diskReader,
  ) {}

  load(path: string): Promise<LoadedInventory> {
    let entry = this.cache.get(path);
    if (!entry) {
      entry = this.reader.source(path).then((source) => ({ ...parseInventory(shown(this.display, path), ...source), path }));
      this.cache.set(path, entry);
    }
    return entry;
  }
}

/** Relative to where the operator stands, unless that means climbing more than two folders up. */
function shown(display: Display, path: string): string {
  return shownPath(display.cwd, path);
}

function problemAt(display: Display, path: string, message: string): Problem {
  return { path: shown(display, path), line: 1, col: 1, severity: 'error', message };
}
