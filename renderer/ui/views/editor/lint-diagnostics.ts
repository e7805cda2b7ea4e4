// The validator's problems (1-based line and column, as the CLI prints them) as CodeMirror
// diagnostics on the document they were computed for.
import type { Diagnostic } from '@codemirror/lint';
import type { Text } from '@codemirror/state';
import type { Problem } from '../../../../src/contract/problem.js';

export function toDiagnostics(doc: Text, problems: readonly Problem[]): Diagnostic[] {
  return problems.map((p) => {
    const { from, to } = spanOf(doc, p.line, p.col);
    return { from, to, severity: p.severity, message: p.message, source: 'handrail validate' };
  });
}

/**
 * The offset of line:col, and the end of the word there (an attribute, a target name, a
 * key) so the underline covers what the message is about; the rest of the line when the
 * position is on a space, nothing past the end of the document.
 */
export function spanOf(doc: Text, line: number, col: number): { from: number; to: number } {
  const l = doc.line(Math.min(Math.max(line, 1), doc.lines));
  const from = Math.min(l.from + Math.max(col, 1) - 1, l.to);
  const word = /^[^\s}]+/.exec(doc.sliceString(from, l.to))?.[0].length ?? 0;
  return { from, to: word > 0 ? from + word : l.to };
}
