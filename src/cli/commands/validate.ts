import { resolveSettings } from '../../app/settings.js';
import { openRecordedVersions, type RecordedVersions } from '../../app/version-check.js';
import { validatePathsCached } from '../../app/validate-cache.js';
import { formatProblem } from '../../core/problems.js';
import type { GlobalOptions } from '../global-options.js';
import { fail, print } from '../output.js';

export async function validateCommand(paths: string[], options: { json?: boolean }, global: GlobalOptions): Promise<number> {
  const settings = resolveSettings(global);
  const recorded = recordedVersions(settings.dataDir);
  let report;
  try {
    report = await validatePathsCached(paths, settings.workspace, { cwd: process.cwd() }, settings.dataDir, recorded?.check);
  } finally {
    recorded?.close();
  }
  const errors = report.problems.filter((p) => p.severity === 'error').length;
  const warnings = report.problems.length - errors;
  if (options.json) {
    print(JSON.stringify({ files: report.files, errors, warnings, problems: report.problems }, null, 2));
  } else {
    for (const problem of report.problems) print(formatProblem(problem));
    const files = `${report.files} file${report.files === 1 ? '' : 's'}`;
    if (errors === 0) {
      print(`${files} checked: valid${warnings ? ` (${warnings} warning${warnings === 1 ? '' : 's'})` : ''}`);
    } else {
      print(`${files} checked: ${errors} error${errors === 1 ? '' : 's'}${warnings ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : ''}`);
    }
  }
  return errors > 0 ? 1 : 0;
}

/**
 * The data directory's version store, read-only, so a runbook changed without a version bump
 * is caught. A data directory that cannot be read must not stop validation of the files
 * themselves: the check is skipped, and the operator told so.
 */
function recordedVersions(dataDir: string): RecordedVersions | undefined {
  try {
    return openRecordedVersions(dataDir);
  } catch (error) {
    fail(`warning: runbooks were not checked against the recorded versions: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}
