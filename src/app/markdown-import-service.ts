// `handrail import PAGE.md`, `handrail import FOLDER --out DRAFTS`, and the console's import
// of a Markdown page: pages read from disk or given as text, turned into drafts by core.
// A single page goes to stdout (nothing written); a folder's drafts are written, each as a
// new file, never over an existing one.
import { readdir } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { importMarkdown, NothingToImportError, type ImportedMarkdown } from '../core/authoring/import-markdown.js';
import { UserError } from './errors.js';
import { readScript, workspaceTargets } from './import-service.js';
import { writeFileSafely, WriteRefused } from './safe-write.js';

export type { ImportedMarkdown };

const MARKDOWN = /\.(md|markdown)$/i;

export function isMarkdownName(name: string): boolean {
  return MARKDOWN.test(name);
}

export async function importMarkdownText(text: string, name: string, workspace: string, target?: string): Promise<ImportedMarkdown> {
  const targets = await workspaceTargets(workspace);
  try {
    return await importMarkdown(text, name, { targets, ...(target ? { target } : {}) });
  } catch (error) {
    if (error instanceof NothingToImportError) throw new NothingToImport(`${name} has nothing to import: ${error.message}; nothing was imported`, error.message);
    throw error;
  }
}

/** A page with no step in it: an error for one page, skipped in a folder (a README, an index). */
export class NothingToImport extends UserError {
  constructor(
    message: string,
    readonly reason: string,
  ) {
    super(message);
  }
}

export async function importMarkdownFile(path: string, workspace: string, target?: string): Promise<ImportedMarkdown> {
  const text = await readScript(path, 'a Markdown file');
  return importMarkdownText(text, basename(path), workspace, target);
}

export interface FolderImport {
  /** One line per page: where its draft went, or why it has none. */
  results: { page: string; draft?: string; runnableSteps?: number; manualSteps?: number; warnings: string[]; error?: string; skipped?: string }[];
}

/** Imports every Markdown page under `folder` (sub-folders too) into `out`, one new `ID.md` each. */
export async function importMarkdownFolder(folder: string, out: string, workspace: string, target?: string): Promise<FolderImport> {
  const pages = await markdownPages(folder);
  if (pages.length === 0) throw new UserError(`${folder} holds no Markdown files (.md); nothing was imported`);
  const results: FolderImport['results'] = [];
  const taken = new Set<string>();
  for (const page of pages) {
    const shown = relative(folder, page) || basename(page);
    try {
      const draft = await importMarkdownFile(page, workspace, target).catch((error: unknown) => {
        if (error instanceof NothingToImport) return error;
        throw error;
      });
      if (draft instanceof NothingToImport) {
        results.push({ page: shown, warnings: [], skipped: draft.reason });
        continue;
      }
      const id = /^id: (.*)$/m.exec(draft.markdown)?.[1] ?? 'imported-runbook';
      // Two pages with one name (README.md in two folders) must not make one id twice.
      let unique = id;
      for (let n = 2; taken.has(unique); n++) unique = `${id}-${n}`;
      taken.add(unique);
      const markdown = unique === id ? draft.markdown : draft.markdown.replace(/^id: .*$/m, `id: ${unique}`);
      const path = join(out, `${unique}.md`);
      await writeFileSafely(path, [markdown], { mode: 0o644, replace: false, createFolders: true });
      results.push({ page: shown, draft: path, runnableSteps: draft.runnableSteps, manualSteps: draft.manualSteps, warnings: draft.warnings });
    } catch (error) {
      if (error instanceof UserError || error instanceof WriteRefused) results.push({ page: shown, warnings: [], error: error.message });
      else if ((error as NodeJS.ErrnoException).code === 'EEXIST') results.push({ page: shown, warnings: [], error: `a file is already there (${(error as NodeJS.ErrnoException).path ?? out}); it was left as it was` });
      else throw error;
    }
  }
  return { results };
}

async function markdownPages(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true, recursive: true }).catch((error: NodeJS.ErrnoException) => {
    throw new UserError(`cannot read the folder ${folder}: ${error.code === 'ENOENT' ? 'there is no such folder' : error.message}; nothing was imported`);
  });
  return entries
    .filter((e) => e.isFile() && MARKDOWN.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}
