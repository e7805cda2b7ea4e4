// Checks an input as the operator types, with the same rules the engine applies on start
// (type, pattern, enum values), so most mistakes show before "Start run" is pressed. The
// engine checks again; this is a convenience, not the guard.
import type { InputDeclaration } from '../../../src/contract/runbook.js';

export function initialValue(declaration: InputDeclaration): string {
  if (declaration.default !== undefined) return String(declaration.default);
  if (declaration.type === 'boolean') return 'false';
  return '';
}

/** The problem with `value`, in words, or null when it is acceptable. */
export function inputProblem(declaration: InputDeclaration, value: string): string | null {
  if (value === '') return declaration.type === 'boolean' ? null : 'Required.';
  switch (declaration.type) {
    case 'number':
      if (!/^-?\d+(\.\d+)?$/.test(value.trim())) return 'Must be a number, like 42 or 2.5.';
      break;
    case 'boolean':
      if (value !== 'true' && value !== 'false') return 'Must be true or false.';
      break;
    case 'enum':
      if (!(declaration.values ?? []).map(String).includes(value)) return `Must be one of: ${(declaration.values ?? []).join(', ')}.`;
      break;
    case 'string':
      break;
  }
  if (declaration.pattern) {
    let pattern: RegExp;
    try {
      pattern = new RegExp(declaration.pattern);
    } catch {
      return null;
    }
    if (!pattern.test(value)) return `Must match the pattern ${declaration.pattern}.`;
  }
  return null;
}
