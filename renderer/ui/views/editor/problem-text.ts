// A problem in the words `handrail validate` prints (`path:line:col: message`, warnings
// marked), so what the editor shows can be pasted next to the CLI's output and compared.
import type { Problem } from '../../../../src/contract/problem.js';

export function problemLine(p: Problem): string {
  return `${p.path}:${p.line}:${p.col}: ${p.severity === 'warning' ? 'warning: ' : ''}${p.message}`;
}

/** "2 errors, 1 warning" / "no problems". */
export function problemCount(problems: readonly Problem[]): string {
  const errors = problems.filter((p) => p.severity === 'error').length;
  const warnings = problems.length - errors;
  const parts = [];
  if (errors > 0) parts.push(`${errors} error${errors === 1 ? '' : 's'}`);
  if (warnings > 0) parts.push(`${warnings} warning${warnings === 1 ? '' : 's'}`);
  return parts.length === 0 ? 'no problems' : parts.join(', ');
}

/**
 * Whether Save's version bump settles the problem: the text changed under a version already
 * recorded with other content (app/runbook-versions.ts words it "…; bump the version").
 * Saving with a bump gives the content a new version, so Save must not be held back by it.
 */
export function isSettledByBump(p: Problem): boolean {
  return p.severity === 'error' && /already recorded; bump the version$/.test(p.message);
}
