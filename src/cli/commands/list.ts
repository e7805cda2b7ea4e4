import { resolveSettings } from '../../app/settings.js';
import { listRunbooksCached } from '../../app/runbook-list-cache.js';
import type { GlobalOptions } from '../global-options.js';
import { print } from '../output.js';

export async function listCommand(options: { json?: boolean }, global: GlobalOptions): Promise<number> {
  const settings = resolveSettings(global);
  const runbooks = await listRunbooksCached(settings.workspace, { cwd: process.cwd() }, settings.dataDir);
  if (options.json) {
    print(JSON.stringify(runbooks, null, 2));
    return 0;
  }
  if (runbooks.length === 0) {
    print(`no runbooks in ${settings.workspace}`);
    return 0;
  }
  const rows = runbooks.map((r) => [
    r.id,
    r.version,
    String(r.steps),
    (r.environments ?? ['any']).join(','),
    r.problems > 0 ? `${r.title}  (${r.problems} problem${r.problems === 1 ? '' : 's'}: run handrail validate)` : r.title,
  ]);
  const header = ['ID', 'VERSION', 'STEPS', 'ENVIRONMENTS', 'TITLE'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  for (const row of [header, ...rows]) {
    print(row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  '));
  }
  return 0;
}
