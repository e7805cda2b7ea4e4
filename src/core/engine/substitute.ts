// Puts inputs into actions without ever letting them become code: URL-encoded in an http URL.
// (sh steps get variable references, see shell-placeholders.ts; SQL binds parameters, see sql-analysis.ts.)
import type { SqlValue } from './ports.js';

const PLACEHOLDER = /\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}/g;

/** POSIX single quotes: nothing inside is special; a ' is closed, escaped and reopened. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export function substituteUrl(url: string, values: Record<string, SqlValue>): string {
  return url.replace(PLACEHOLDER, (_, name: string) => encodeURIComponent(String(values[name] ?? '')));
}

/** Headers and bodies take the value as text; a line break would start a new header, so it is refused. */
export function substituteText(text: string, values: Record<string, SqlValue>, where: 'header' | 'body'): string {
  return text.replace(PLACEHOLDER, (_, name: string) => {
    const value = String(values[name] ?? '');
    if (where === 'header' && /[\r\n]/.test(value)) {
      throw new Error(`input '${name}' contains a line break and cannot go into an HTTP header; nothing was sent`);
    }
    return value;
  });
}
