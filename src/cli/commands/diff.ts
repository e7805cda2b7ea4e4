// `handrail diff RUNBOOK V1 V2`: a unified diff between two recorded versions (or the file
// as it is now: `workspace`), for review before a run or a handover.
import { openVersionStore, runbookDiff } from '../../app/runbook-history.js';
import { resolveSettings } from '../../app/settings.js';
import type { GlobalOptions } from '../global-options.js';

export async function diffCommand(ref: string, from: string, to: string, global: GlobalOptions): Promise<number> {
  const settings = resolveSettings(global);
  const store = openVersionStore(settings);
  try {
    const diff = await runbookDiff(store.versions, settings, ref, from, to, process.cwd());
    process.stdout.write(diff.unified);
    // On stderr: stdout is the patch itself, and may be piped into a tool.
    if (diff.from.text === diff.to.text) process.stderr.write(`${diff.id} ${from} and ${to} are identical\n`);
    return 0;
  } finally {
    store.close();
  }
}
