// A SQL result as the operator reads it in a terminal or the audit: aligned columns, and
// a last line that says how many rows there were (and how many are not shown).
import type { SqlResult, SqlValue } from './ports.js';

const MAX_CELL = 80;

export function renderTable(result: SqlResult): string {
  if (!result.returnsRows) {
    return `${result.rowCount} row${result.rowCount === 1 ? '' : 's'} changed${result.committed ? '' : ' (not committed)'}\n`;
  }
  const cells = result.rows.map((row) => row.map(cell));
  const widths = result.columns.map((c, i) => Math.max(c.length, ...cells.map((r) => (r[i] ?? '').length)));
  const line = (values: string[]) => values.map((v, i) => v.padEnd(widths[i] ?? 0)).join(' | ').trimEnd();
  const out = [line(result.columns), widths.map((w) => '-'.repeat(w)).join('-+-'), ...cells.map(line)];
  const hidden = result.rowCount - result.rows.length;
  out.push(`(${result.rowCount} row${result.rowCount === 1 ? '' : 's'}${hidden > 0 ? `, ${hidden} not shown` : ''})`);
  return `${out.join('\n')}\n`;
}

function cell(value: SqlValue): string {
  if (value === null) return 'NULL';
  const text = String(value).replace(/\s+/g, ' ');
  return text.length > MAX_CELL ? `${text.slice(0, MAX_CELL - 1)}…` : text;
}
