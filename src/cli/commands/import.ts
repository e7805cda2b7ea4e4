import { importScriptFile } from '../../app/import-service.js';
import { resolveSettings } from '../../app/settings.js';
import type { GlobalOptions } from '../global-options.js';

/** `handrail import SCRIPT`: the draft on stdout (redirect it into a file), what to fix on stderr. */
export async function importCommand(script: string, global: GlobalOptions): Promise<number> {
  const settings = resolveSettings(global);
  const draft = await importScriptFile(script, settings.workspace);
  process.stdout.write(draft.markdown);
  for (const warning of draft.warnings) process.stderr.write(`handrail: warning: ${warning}\n`);
  return 0;
}
