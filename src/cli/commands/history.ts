// `handrail history RUNBOOK`: the runbook's recorded versions, newest first.
import { openVersionStore, runbookHistory } from '../../app/runbook-history.js';
import { resolveSettings } from '../../app/settings.js';
import type { GlobalOptions } from '../global-options.js';
import { print } from '../output.js';

/** As `git log --oneline` shows commits: enough of the hash to tell versions apart and to pass to `diff`. */
const SHORT_HASH = 12;

export async function historyCommand(ref: string, options: { json?: boolean }, global: GlobalOptions): Promise<number> {
  const settings = resolveSettings(global);
  const store = openVersionStore(settings);
  try {
    const { id, file, versions } = await runbookHistory(store.versions, settings, ref, process.cwd());
    const current = file && versions.some((v) => v.sha256 === file.sha256);
    if (options.json) {
      const workspace = file ? { path: file.path, version: file.version, sha256: file.sha256, recorded: current } : null;
      print(JSON.stringify({ runbook: id, workspace, versions }, null, 2));
      return 0;
    }
    if (versions.length === 0) {
      print(`no versions of ${id} recorded yet (a version is recorded when it is saved, recorded, imported or run)`);
    } else {
      const rows = versions.map((v) => [v.version, v.sha256.slice(0, SHORT_HASH), v.reason, v.recordedAt, v.recordedBy]);
      const header = ['VERSION', 'SHA256', 'REASON', 'WHEN', 'WHO'];
      const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
      print(`${id}: ${versions.length} version${versions.length === 1 ? '' : 's'}, newest first`);
      for (const row of [header, ...rows]) print(row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  '));
    }
    if (file) {
      const state = current ? 'recorded above' : 'not recorded yet (it is recorded when saved or run)';
      print(`workspace: ${file.path} is version ${file.version} (${file.sha256.slice(0, SHORT_HASH)}), ${state}`);
    }
    return 0;
  } finally {
    store.close();
  }
}
