// Puts inputs into actions without ever letting them become code: one single-quoted word
// in sh. (SQL binds them as parameters, see sql-analysis.ts; http encodes each part of the
// request by its own rules, see http-substitute.ts.)
import type { SqlValue } from './ports.js';

const PLACEHOLDER = /\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}/g;

/** POSIX single quotes: nothing inside is special; a ' is closed, escaped and reopened. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export function substituteShell(script: string, values: Record<string, SqlValue>): string {
  return script.replace(PLACEHOLDER, (_, name: string) => shellQuote(String(values[name] ?? '')));
}
