// `{{ name }}` in sh and http actions. The engine substitutes each as one safely quoted
// word (sh) or URL-encoded (http); here we only find them, with their offsets.

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
