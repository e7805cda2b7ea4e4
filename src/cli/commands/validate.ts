import { resolveSettings } from '../../app/settings.js';
import { formatProblem, validatePaths } from '../../app/workspace.js';
import type { GlobalOptions } from '../global-options.js';
import { print } from '../output.js';

export async function validateCommand(paths: string[], options: { json?: boolean }, global: GlobalOptions): Promise<number> {
  const settings = resolveSettings(global);
  const report = await validatePaths(paths, settings.workspace, { cwd: process.cwd() });
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
