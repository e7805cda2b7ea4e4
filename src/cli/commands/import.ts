import { stat } from 'node:fs/promises';
import { importScriptFile } from '../../app/import-service.js';
import { importMarkdownFile, isMarkdownName } from '../../app/markdown-import-service.js';
import { importFolder } from '../../app/script-folder-import.js';
import { UserError } from '../../app/errors.js';
import { resolveSettings } from '../../app/settings.js';
import type { GlobalOptions } from '../global-options.js';

export interface ImportFlags {
  target?: string;
  out?: string;
}

/**
 * `handrail import SCRIPT|PAGE.md`: the draft on stdout (redirect it into a file), what to fix
 * on stderr. `handrail import FOLDER --out DRAFTS`: one draft per Markdown page, written.
 */
export async function importCommand(path: string, flags: ImportFlags, global: GlobalOptions): Promise<number> {
  const settings = resolveSettings(global);
  if (flags.target !== undefined && !/^[a-z0-9][a-z0-9-]*$/.test(flags.target)) {
    throw new UserError(`--target ${JSON.stringify(flags.target)} is not a target name (lowercase letters, digits, -); nothing was imported`);
  }
  const info = await stat(path).catch(() => undefined);
  if (info?.isDirectory()) {
    if (!flags.out) throw new UserError(`${path} is a folder: to import the Markdown pages in it, add --out FOLDER for the drafts (one file per page); to import a shell script, give its path; nothing was imported`);
    const { results } = await importFolder(path, flags.out, settings.workspace, flags.target);
    for (const r of results) {
      if (r.skipped) process.stderr.write(`handrail: ${r.page}: skipped: ${r.skipped}\n`);
      else if (r.error) process.stderr.write(`handrail: ${r.page}: not imported: ${r.error}\n`);
      else process.stdout.write(`${r.page} -> ${r.draft} (${r.runnableSteps} runnable, ${r.manualSteps} manual step${r.manualSteps === 1 ? '' : 's'})\n`);
      for (const warning of r.warnings) process.stderr.write(`handrail: warning: ${r.page}: ${warning}\n`);
    }
    const failed = results.filter((r) => r.error).length;
    const skipped = results.filter((r) => r.skipped).length;
    const imported = results.length - failed - skipped;
    const counts = [`${imported} page${imported === 1 ? '' : 's'} imported`, ...(skipped > 0 ? [`${skipped} skipped (nothing to import)`] : []), ...(failed > 0 ? [`${failed} not imported`] : [])];
    process.stdout.write(`${counts.join(', ')}; drafts in ${flags.out}\n`);
    return failed > 0 ? 1 : 0;
  }
  if (flags.out) throw new UserError('--out is for importing a folder; for one file, redirect stdout (handrail import page.md > draft.md); nothing was imported');
  const draft = isMarkdownName(path) ? await importMarkdownFile(path, settings.workspace, flags.target) : await importScriptFile(path, settings.workspace, flags.target);
  process.stdout.write(draft.markdown);
  for (const warning of draft.warnings) process.stderr.write(`handrail: warning: ${warning}\n`);
  return 0;
}
