// `handrail history` and `handrail diff`, and the consoles' runbookHistory / runbookDiff:
// a runbook named by id or path, its stored versions, and its file as it is now.
import { stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import type { RunbookVersionEntry } from '../contract/api.js';
import { NAME_PATTERN } from '../contract/runbook.js';
import { parseRunbook } from '../core/runbook/parse-runbook.js';
import { UserError } from './errors.js';
import { locateRunbook } from './run-plan.js';
import { RunbookVersions, sha256Of, type RunbookDiff, type WorkspaceText } from './runbook-versions.js';
import { AppContext } from './app-context.js';
import type { Settings } from './settings.js';
import { readSource } from './workspace.js';

export interface WorkspaceFile extends WorkspaceText {
  sha256: string;
}

export interface RunbookHistory {
  id: string;
  /** The runbook's file in the workspace (or the path given), if there is one. */
  file: WorkspaceFile | undefined;
  /** Newest first. */
  versions: RunbookVersionEntry[];
}

/** The version store of the data directory, opened (and created) like every other command's. */
export function openVersionStore(settings: Settings): { versions: RunbookVersions; close(): void } {
  const context = AppContext.open(settings);
  return { versions: context.versions, close: () => context.close() };
}

export async function runbookHistory(versions: RunbookVersions, settings: Settings, ref: string, cwd: string): Promise<RunbookHistory> {
  const { id, file } = await findRunbook(settings, ref, cwd);
  // Each listed SHA-256 stands for the stored bytes a diff or a handover shows: checked before it is listed.
  const list = versions.checkedList(id);
  if (!file && list.length === 0) {
    throw new UserError(`no runbook '${ref}' in ${settings.workspace} and no recorded versions of it (handrail list shows the runbooks); nothing was shown`);
  }
  return { id, file, versions: list };
}

export async function runbookDiff(versions: RunbookVersions, settings: Settings, ref: string, from: string, to: string, cwd: string): Promise<RunbookDiff & { id: string }> {
  const { id, file } = await findRunbook(settings, ref, cwd);
  return { id, ...(await versions.diff(id, from, to, file)) };
}

/**
 * A path (ending in .md) names a file, whose `id` is looked up; anything else is an id,
 * which may have recorded versions even when its file is gone from the workspace.
 */
async function findRunbook(settings: Settings, ref: string, cwd: string): Promise<{ id: string; file: WorkspaceFile | undefined }> {
  if (ref.endsWith('.md')) {
    const path = await existing(isAbsolute(ref) ? [ref] : [resolve(cwd, ref), resolve(settings.workspace, ref)]);
    if (!path) throw new UserError(`no such runbook file: ${ref}; nothing was shown`);
    const file = await readFile(settings, path);
    if (!file.id) throw new UserError(`${ref} has no valid id in its front matter (handrail validate ${ref} says why); nothing was shown`);
    return { id: file.id, file };
  }
  if (!new RegExp(NAME_PATTERN).test(ref)) {
    throw new UserError(`'${ref}' is neither a runbook id (lowercase letters, digits, hyphens) nor a .md file; nothing was shown`);
  }
  const path = await locateRunbook(ref, settings.workspace, cwd).catch(() => undefined);
  return { id: ref, file: path ? await readFile(settings, path) : undefined };
}

async function readFile(settings: Settings, path: string): Promise<WorkspaceFile & { id: string | undefined }> {
  const [bytes, size] = await readSource(path);
  const parsed = parseRunbook(path, bytes, size);
  const fm = parsed.draft?.frontMatter;
  return {
    id: fm?.id || undefined,
    path: relative(settings.workspace, path).startsWith('..') ? path : relative(settings.workspace, path),
    text: new TextDecoder('utf-8').decode(bytes),
    version: fm?.version || 'workspace',
    sha256: sha256Of(bytes),
  };
}

async function existing(candidates: string[]): Promise<string | undefined> {
  for (const candidate of candidates) if ((await stat(candidate).catch(() => undefined))?.isFile()) return candidate;
  return undefined;
}
