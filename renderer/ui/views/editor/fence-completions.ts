// Completion inside a fence's attribute braces (```sh {target=app …}): the attribute names
// the validator knows, and target names from the inventory after `target=` or `mutates=`.
import type { Completion, CompletionContext, CompletionResult } from '@codemirror/autocomplete';

type Kind = 'sh' | 'sql' | 'http';

/**
 * The attributes of src/core/runbook/step-attributes.ts (the renderer may not import core;
 * test/unit/editor-completions.test.ts keeps the two lists equal).
 */
export const FENCE_ATTRIBUTES: readonly { name: string; value: boolean; kinds: readonly Kind[]; help: string }[] = [
  { name: 'target', value: true, kinds: ['sh', 'sql'], help: 'the target the action runs on' },
  { name: 'mutates', value: false, kinds: ['sh', 'sql'], help: 'changes a database; snapshot first (sh: mutates=T1,T2)' },
  { name: 'expect-exit', value: true, kinds: ['sh'], help: 'the exit code that means success (default 0)' },
  { name: 'expect-output', value: true, kinds: ['sh', 'sql', 'http'], help: 'a regular expression the output must match' },
  { name: 'expect-rows', value: true, kinds: ['sql'], help: 'the number of rows the query must return' },
  { name: 'expect-status', value: true, kinds: ['http'], help: 'the HTTP status that means success' },
  { name: 'timeout', value: true, kinds: ['sh', 'sql', 'http'], help: 'how long the step may take, e.g. 30s or 5m' },
  { name: 'confirm', value: false, kinds: ['sh', 'sql', 'http'], help: 'always ask before this step' },
  { name: 'idempotent', value: false, kinds: ['sh', 'sql', 'http'], help: 'safe to repeat after a crash' },
];

const LANGS: Record<string, Kind> = { sh: 'sh', bash: 'sh', sql: 'sql', http: 'http' };
/** A fence line up to the cursor, inside its still-open braces. */
const INSIDE_BRACES = /^ {0,3}(?:`{3,}|~{3,})\s*([A-Za-z]+)\s*\{([^}]*)$/;

/** What to offer on the text of the line before the cursor; null outside a fence's braces. */
export function fenceCompletions(beforeCursor: string, targets: readonly string[]): { fromBack: number; options: Completion[] } | null {
  const fence = INSIDE_BRACES.exec(beforeCursor);
  const kind = LANGS[(fence?.[1] ?? '').toLowerCase()];
  if (!fence || !kind) return null;
  const inside = fence[2] ?? '';
  const value = /(?:^|\s)(target|mutates)=([A-Za-z0-9_,-]*)$/.exec(inside);
  if (value) {
    const typed = (value[2] ?? '').split(',').at(-1) ?? '';
    return { fromBack: typed.length, options: targets.map((name) => ({ label: name, type: 'variable', detail: 'target' })) };
  }
  const word = /(?:^|\s)([A-Za-z-]*)$/.exec(inside);
  if (!word) return null; // in the middle of a value, e.g. expect-output="…
  const typed = word[1] ?? '';
  const given = new Set([...inside.slice(0, inside.length - typed.length).matchAll(/(?:^|\s)([A-Za-z][A-Za-z0-9-]*)/g)].map((m) => m[1]));
  const options = FENCE_ATTRIBUTES.filter((a) => a.kinds.includes(kind) && !given.has(a.name)).map(
    (a): Completion => ({ label: a.name, apply: a.value ? `${a.name}=` : a.name, type: 'property', detail: a.value ? '=…' : 'flag', info: a.help }),
  );
  return { fromBack: typed.length, options };
}

/** The CodeMirror completion source; `targets` is read at each completion, as the inventory loads. */
export function fenceCompletionSource(targets: () => readonly string[]) {
  return (context: CompletionContext): CompletionResult | null => {
    const line = context.state.doc.lineAt(context.pos);
    const found = fenceCompletions(line.text.slice(0, context.pos - line.from), targets());
    if (!found) return null;
    // While typing, offer only once something is typed or right after `{`, `=`, `,` or a space.
    if (found.fromBack === 0 && !context.explicit && !/[{=,\s]$/.test(line.text.slice(0, context.pos - line.from))) return null;
    return { from: context.pos - found.fromBack, options: found.options, validFor: /^[A-Za-z0-9_-]*$/ };
  };
}
