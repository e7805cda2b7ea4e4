// `handrail import FOLDER --out DRAFTS` for the shell scripts in a folder: each script is
// imported with the folder's other files beside it, so a function it takes from a sourced
// helper, or a small program of the same folder it calls, is known (a `sed -i "$@"` wrapper
// called on a config file is flagged destructive, as `sed -i` itself is). A helper that only
// defines functions has no step and is skipped. Drafts are written as new files, never over
// an existing one, as for Markdown pages.
import { readFileSync, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import type { ScriptFiles } from '../core/authoring/destructive-commands.js';
import { importScript, NothingToImportError, ShellSyntaxError } from '../core/authoring/import-script.js';
import { UserError } from './errors.js';
import { MAX_SCRIPT_BYTES, workspaceTargets } from './import-service.js';
import { importMarkdownFolder, isMarkdownName, type FolderImport } from './markdown-import-service.js';
import { writeFileSafely, WriteRefused } from './safe-write.js';

const SCRIPT_NAME = /\.(sh|bash)$/i;
const SHEBANG = /^#!\s*\S*(\/|\s)(ba|da|k|z)?sh\b/;

/** Every readable text file under `folder`, by path relative to it with `/`, read once on demand. */
async function folderFiles(folder: string): Promise<ScriptFiles> {
  const entries = await readdir(folder, { withFileTypes: true, recursive: true }).catch((error: NodeJS.ErrnoException) => {
    throw new UserError(`cannot read the folder ${folder}: ${error.code === 'ENOENT' ? 'there is no such folder' : error.message}; nothing was imported`);
  });
  const paths = entries
    .filter((e) => e.isFile())
    .map((e) => relative(folder, join(e.parentPath, e.name)).split(sep).join('/'))
    .sort();
  const texts = new Map<string, string | undefined>();
  const read = (path: string): string | undefined => {
    if (!texts.has(path)) {
      let text: string | undefined;
      try {
        const full = join(folder, ...path.split('/'));
        if (statSync(full).size <= MAX_SCRIPT_BYTES) {
          const bytes = readFileSync(full);
          text = bytes.includes(0) ? undefined : bytes.toString('utf8');
        }
      } catch {
        text = undefined;
      }
      texts.set(path, text);
    }
    return texts.get(path);
  };
  return { paths, read };
}

/** The shell scripts among `files`: `.sh`/`.bash`, or a file with no extension that starts with a shell's `#!`. */
function shellScripts(files: ScriptFiles): string[] {
  return files.paths.filter((path) => {
    const name = path.split('/').pop() ?? path;
    if (SCRIPT_NAME.test(name)) return true;
    return !name.includes('.') && SHEBANG.test(files.read(path)?.slice(0, 120) ?? '');
  });
}

/**
 * Imports each of `scripts` (paths in `files`) into `out`, one new `ID.md` each; `taken`
 * holds the ids already written by this import (pages), so none is written twice.
 */
async function importScriptFolder(files: ScriptFiles, scripts: string[], out: string, workspace: string, taken: Set<string>, target?: string): Promise<FolderImport['results']> {
  const targets = await workspaceTargets(workspace);
  const results: FolderImport['results'] = [];
  for (const path of scripts) {
    const text = files.read(path);
    if (text === undefined) {
      results.push({ page: path, warnings: [], error: 'it is not a UTF-8 text file of at most 1 MB; it was left out' });
      continue;
    }
    try {
      const draft = await importScript(text, path.split('/').pop() ?? path, { targets, files, path, ...(target ? { target } : {}) });
      const id = /^id: (.*)$/m.exec(draft.markdown)?.[1] ?? 'imported-script';
      let unique = id;
      for (let n = 2; taken.has(unique); n++) unique = `${id}-${n}`;
      taken.add(unique);
      const markdown = unique === id ? draft.markdown : draft.markdown.replace(/^id: .*$/m, `id: ${unique}`);
      const written = join(out, `${unique}.md`);
      await writeFileSafely(written, [markdown], { mode: 0o644, replace: false, createFolders: true });
      const runnable = (markdown.match(/^```sh\b/gm) ?? []).length;
      results.push({ page: path, draft: written, runnableSteps: runnable, manualSteps: 0, warnings: draft.warnings });
    } catch (error) {
      if (error instanceof NothingToImportError) results.push({ page: path, warnings: [], skipped: error.message });
      else if (error instanceof ShellSyntaxError) results.push({ page: path, warnings: [], error: `it is not valid shell at line ${error.line}, column ${error.col} (${error.reason}); bash -n ${path} shows the same` });
      else if (error instanceof UserError || error instanceof WriteRefused) results.push({ page: path, warnings: [], error: error.message });
      else if ((error as NodeJS.ErrnoException).code === 'EEXIST') results.push({ page: path, warnings: [], error: `a file is already there (${(error as NodeJS.ErrnoException).path ?? out}); it was left as it was` });
      else throw error;
    }
  }
  return results;
}

/**
 * `handrail import FOLDER --out DRAFTS`: the Markdown pages under the folder, then its shell
 * scripts, each script with the folder's other files beside it.
 */
export async function importFolder(folder: string, out: string, workspace: string, target?: string): Promise<FolderImport> {
  const files = await folderFiles(folder);
  const scripts = shellScripts(files);
  const hasPages = files.paths.some((p) => isMarkdownName(p));
  if (!hasPages && scripts.length === 0) throw new UserError(`${folder} holds no Markdown files (.md) and no shell scripts (.sh, or #!/bin/sh …); nothing was imported`);
  const pages = hasPages ? (await importMarkdownFolder(folder, out, workspace, target)).results : [];
  const taken = new Set(pages.flatMap((r) => (r.draft ? [basename(r.draft, '.md')] : [])));
  return { results: [...pages, ...(await importScriptFolder(files, scripts, out, workspace, taken, target))] };
}
