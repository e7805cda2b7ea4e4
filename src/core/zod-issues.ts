// Turns zod's issues into sentences an operator can act on, placed at the key or value
// they are about (positions come from core/yaml.ts).
import type { z } from 'zod';
import type { SourcePos } from '../contract/problem.js';
import type { YamlPositions } from './yaml.js';
import type { ProblemList } from './problems.js';

/** Per-path advice appended to format errors, keyed by the path with names replaced by `*`. */
export type Hints = Record<string, string>;

export function reportZodIssues(
  issues: z.core.$ZodIssue[],
  positions: YamlPositions,
  fallback: SourcePos,
  problems: ProblemList,
  hints: Hints,
  label: string,
): void {
  for (const issue of issues) {
    const path = issue.path.map(String);
    const dotted = path.join('.');
    const where = (p: string): SourcePos => positions.value.get(p) ?? positions.key.get(p) ?? nearest(p, positions) ?? fallback;
    const name = path.length ? `'${dotted}'` : label;
    const hint = hints[generic(path)];
    switch (issue.code) {
      case 'unrecognized_keys':
        for (const key of issue.keys) {
          const keyPath = path.length ? `${dotted}.${key}` : key;
          const allowed = hints[`${generic(path)}#keys`];
          problems.error(
            positions.key.get(keyPath) ?? where(dotted),
            `unknown key '${key}' in ${path.length ? `'${dotted}'` : label}${allowed ? `; allowed keys: ${allowed}` : ''}`,
          );
        }
        break;
      case 'invalid_type':
        if (issue.input === undefined) {
          problems.error(
            path.length > 1 ? where(path.slice(0, -1).join('.')) : fallback,
            `${label} is missing '${dotted}'${hint ? ` (${hint})` : ''}`,
          );
        } else {
          problems.error(where(dotted), `${name} must be ${article(issue.expected)}, not ${describe(issue.input)}${hint ? ` (${hint})` : ''}`);
        }
        break;
      case 'invalid_format':
      case 'invalid_value':
        problems.error(where(dotted), `${name} has an invalid value ${describe(issue.input)}${hint ? `; ${hint}` : ''}`);
        break;
      case 'invalid_key': {
        // zod's path already ends with the offending key; the hint belongs to its parent.
        const parent = path.slice(0, -1);
        const parentHint = hints[generic(parent)];
        problems.error(
          positions.key.get(dotted) ?? where(dotted),
          `'${path.at(-1) ?? ''}' is not a valid name in '${parent.join('.')}'${parentHint ? `; ${parentHint}` : ''}`,
        );
        break;
      }
      case 'too_small':
        problems.error(where(dotted), `${name} must not be empty${hint ? ` (${hint})` : ''}`);
        break;
      case 'invalid_union':
        problems.error(where(dotted), `${name} is not valid${hint ? `; ${hint}` : ''}`);
        break;
      default:
        problems.error(where(dotted), `${name}: ${issue.message}`);
    }
  }
}

/** `inputs.pilot.type` → `inputs.*.type`: hints are written once per kind of key. */
function generic(path: string[]): string {
  const out: string[] = [];
  for (let i = 0; i < path.length; i++) {
    const parent = path[i - 1];
    const isName =
      (parent === 'inputs' || parent === 'environments' || parent === 'targets' || parent === 'variables') && i % 2 === 1;
    out.push(isName || /^\d+$/.test(path[i] ?? '') ? '*' : (path[i] ?? ''));
  }
  return out.join('.');
}

function nearest(path: string, positions: YamlPositions): SourcePos | undefined {
  const parts = path.split('.');
  while (parts.length > 0) {
    parts.pop();
    const p = parts.join('.');
    const pos = positions.key.get(p) ?? positions.value.get(p);
    if (pos) return pos;
  }
  return undefined;
}

function article(expected: string): string {
  if (expected === 'object' || expected === 'record') return 'a map of keys';
  if (expected === 'array') return 'a list';
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

export function describe(value: unknown): string {
  if (value === null) return 'null (an empty value)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'string') return JSON.stringify(value);
  return `${typeof value} ${String(value)}`;
}
