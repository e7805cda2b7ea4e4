// `handrail import SCRIPT` and the console's importScript: a shell script read from disk or
// given as text, turned into a runbook draft by core, with the workspace's target names for
// the draft's to-do list. Nothing is written anywhere; the author saves the draft.
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { importScript, NothingToImportError, ShellSyntaxError, type ImportedScript } from '../core/authoring/import-script.js';
import { UserError } from './errors.js';
import { loadWorkspaceInventory } from './workspace.js';

/** A script larger than this is not a script someone runs by hand. */
export const MAX_SCRIPT_BYTES = 1024 * 1024;

export type { ImportedScript };

/** Reads the script at `path` (as given on the command line) and imports it. */
export async function importScriptFile(path: string, workspace: string, target?: string): Promise<ImportedScript> {
  const text = await readScript(path);
  return importScriptText(text, basename(path), workspace, target);
}

export async function importScriptText(text: string, name: string, workspace: string, target?: string): Promise<ImportedScript> {
  const targets = await workspaceTargets(workspace);
  try {
    return await importScript(text, name, { targets, ...(target ? { target } : {}) });
  } catch (error) {
    if (error instanceof ShellSyntaxError) {
      throw new UserError(
        `cannot import ${name}: it is not valid shell at line ${error.line}, column ${error.col} (${error.reason}); nothing was imported. ` +
          `Fix the script (bash -n ${name} shows the same) and import it again`,
      );
    }
    if (error instanceof NothingToImportError) throw new UserError(`${name} has nothing to import: ${error.message}; nothing was imported`);
    throw error;
  }
}

/** Reads a text file given on the command line; `what` names what was expected ("a shell script"). */
export async function readScript(path: string, what = 'a shell script'): Promise<string> {
  const handle = await open(path, 'r').catch((error: NodeJS.ErrnoException) => {
    const why = error.code === 'ENOENT' ? 'there is no such file' : error.code === 'EACCES' ? 'permission denied' : error.message;
    throw new UserError(`cannot read ${path}: ${why}; nothing was imported`);
  });
  try {
    const info = await handle.stat();
    if (info.isDirectory()) throw new UserError(`${path} is a folder; give the path of ${what}; nothing was imported`);
    if (info.size > MAX_SCRIPT_BYTES) {
      throw new UserError(`${path} is ${(info.size / 1024 / 1024).toFixed(1)} MB; Handrail imports files up to 1 MB — is this the right file? Nothing was imported`);
    }
    const bytes = await handle.readFile();
    if (bytes.includes(0)) throw new UserError(`${path} is not a text file (it contains NUL bytes); nothing was imported`);
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw new UserError(`${path} is not UTF-8 text; save it as UTF-8 and import it again; nothing was imported`);
    }
  } catch (error) {
    // Reading a folder fails at read time on some systems (EISDIR) rather than at stat.
    if ((error as NodeJS.ErrnoException).code === 'EISDIR') throw new UserError(`${path} is a folder; give the path of ${what}; nothing was imported`);
    throw error;
  } finally {
    await handle.close();
  }
}

/** The inventory's target names, or none when the workspace has no usable handrail.yml. */
export async function workspaceTargets(workspace: string): Promise<string[]> {
  try {
    const loaded = await loadWorkspaceInventory(workspace, { cwd: workspace });
    const environments = Object.values(loaded.inventory?.environments ?? {});
    return [...new Set(environments.flatMap((env) => Object.keys(env.targets)))].sort();
  } catch (error) {
    if (error instanceof UserError) return [];
    throw error;
  }
}
