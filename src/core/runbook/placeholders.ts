// `{{ name }}` in sh and http actions. The engine replaces each with a variable reference
// chosen for its shell context (sh, see engine/shell-placeholders.ts) or encodes the value
// for the part of the request it stands in (http, see engine/http-substitute.ts); here we
// only find them, with their offsets.

export interface Placeholder {
  name: string;
  offset: number;
}

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

export function findPlaceholders(code: string): Placeholder[] {
  const found: Placeholder[] = [];
  for (const match of code.matchAll(PLACEHOLDER)) {
    found.push({ name: match[1] ?? '', offset: match.index ?? 0 });
  }
  return found;
}
