// Runme notebooks are Markdown whose code blocks carry attributes after the language:
// ```sh {"name":"restart","interactive":"true","excludeFromRunAll":"true","cwd":"ops"}
// (JSON, as Runme writes them now) or {name=restart interactive=true} (its older form).
// Import maps those Handrail has a meaning for and names the rest it leaves out.
import { parseFenceAttributes } from '../runbook/fence-attributes.js';

export interface RunmeAttributes {
  name?: string;
  /** Runme waits for typed input in this block: a step has no terminal, so it is run by hand. */
  interactive: boolean;
  /** A background process (a server, a port-forward) never ends: run by hand too. */
  background: boolean;
  /** Left out of Runme's run-all: in Handrail the step asks before it runs (and may be skipped). */
  excludeFromRunAll: boolean;
  cwd?: string;
  /** Attributes with no meaning in Handrail, as written. */
  ignored: string[];
}

const yes = (value: unknown) => value === true || value === 'true';

/** The attributes of a fence's info string after the language, or undefined when it has none Runme would write. */
export function readRunmeAttributes(meta: string | null | undefined): RunmeAttributes | undefined {
  const text = (meta ?? '').trim();
  if (!text.startsWith('{')) return undefined;
  let values: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) values = parsed as Record<string, unknown>;
  } catch {
    const read = parseFenceAttributes(text);
    if (read.ok) values = Object.fromEntries(read.attributes.map((a) => [a.name, a.value ?? true]));
  }
  if (!values) return undefined;
  const known = new Set(['name', 'interactive', 'background', 'excludeFromRunAll', 'cwd']);
  const name = typeof values.name === 'string' && values.name.trim() !== '' ? values.name.trim() : undefined;
  const cwd = typeof values.cwd === 'string' && values.cwd.trim() !== '' ? values.cwd.trim() : undefined;
  return {
    ...(name ? { name } : {}),
    interactive: yes(values.interactive),
    background: yes(values.background),
    excludeFromRunAll: yes(values.excludeFromRunAll),
    ...(cwd ? { cwd } : {}),
    ignored: Object.entries(values)
      .filter(([key]) => !known.has(key))
      .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`),
  };
}
