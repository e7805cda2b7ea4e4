// Turns a fence's raw attributes into the step's typed attributes, checking each one
// against the kind of action it is on.
import { closest } from '../did-you-mean.js';
import type { SourcePos } from '../../contract/problem.js';
import type { ActionKind, StepAttributes } from '../../contract/runbook.js';
import type { ProblemList } from '../problems.js';
import type { RawAttribute } from './fence-attributes.js';
import { regexError } from './front-matter.js';

type Spec = { value: 'none' | 'optional' | 'required'; kinds: ActionKind[]; help: string };

export const ATTRIBUTES: Record<string, Spec> = {
  target: { value: 'required', kinds: ['sh', 'sql'], help: 'the target the action runs on, e.g. target=app' },
  mutates: { value: 'optional', kinds: ['sh', 'sql'], help: 'this step changes a database; a snapshot is taken first' },
  'expect-exit': { value: 'required', kinds: ['sh'], help: 'the exit code that means success (default 0)' },
  'expect-output': { value: 'required', kinds: ['sh', 'sql', 'http'], help: 'a regular expression the output must match' },
  'expect-rows': { value: 'required', kinds: ['sql'], help: 'the number of rows the query must return' },
  'expect-status': { value: 'required', kinds: ['http'], help: 'the HTTP status that means success' },
  timeout: { value: 'required', kinds: ['sh', 'sql', 'http'], help: 'how long the step may take, e.g. 30s or 5m' },
  confirm: { value: 'none', kinds: ['sh', 'sql', 'http'], help: 'always ask before running this step' },
  idempotent: { value: 'none', kinds: ['sh', 'sql', 'http'], help: 'safe to repeat after a crash' },
};

const DURATION = /^(\d+)(ms|s|m|h)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export function readAttributes(
  kind: ActionKind,
  raw: RawAttribute[],
  posOf: (attr: RawAttribute) => SourcePos,
  problems: ProblemList,
): { attributes: StepAttributes; positions: Record<string, SourcePos> } {
  const attributes: StepAttributes = { mutates: [], confirm: false, idempotent: false };
  const positions: Record<string, SourcePos> = {};
  for (const attr of raw) {
    const pos = posOf(attr);
    const spec = ATTRIBUTES[attr.name];
    if (!spec) {
      problems.error(pos, `unknown attribute '${attr.name}'${suggest(attr.name)} (allowed: ${Object.keys(ATTRIBUTES).join(', ')})`);
      continue;
    }
    if (positions[attr.name]) {
      problems.error(pos, `attribute '${attr.name}' is given twice; keep one`);
      continue;
    }
    positions[attr.name] = pos;
    if (!spec.kinds.includes(kind)) {
      problems.error(pos, `'${attr.name}' does not apply to ${kind} steps (${spec.help}); it applies to ${spec.kinds.join(', ')} steps`);
      continue;
    }
    if (spec.value === 'none' && attr.value !== undefined) {
      problems.error(pos, `'${attr.name}' is a flag and takes no value; write just ${attr.name}`);
      continue;
    }
    if (spec.value === 'required' && attr.value === undefined) {
      problems.error(pos, `'${attr.name}' needs a value: ${spec.help}`);
      continue;
    }
    apply(kind, attr, pos, attributes, problems);
  }
  const mutatesAt = positions.mutates;
  if (kind === 'sql' && mutatesAt) {
    const others = attributes.mutates.filter((t) => t !== attributes.target);
    if (others.length > 0) {
      problems.error(mutatesAt, `a sql step changes only its own target; write just mutates (it snapshots ${attributes.target ?? 'the target'})`);
    }
    attributes.mutates = attributes.target ? [attributes.target] : [];
  }
  return { attributes, positions };
}

function apply(kind: ActionKind, attr: RawAttribute, pos: SourcePos, out: StepAttributes, problems: ProblemList): void {
  const value = attr.value ?? '';
  switch (attr.name) {
    case 'target':
      out.target = value;
      return;
    case 'mutates':
      if (kind === 'sh') {
        if (attr.value === undefined) {
          problems.error(pos, `a sh step must name the databases it changes: mutates=TARGET (e.g. mutates=events), so each is snapshotted first`);
          return;
        }
        out.mutates = value.split(',').map((t) => t.trim()).filter(Boolean);
      } else if (attr.value !== undefined) {
        // A sql step changes its own target (filled in by readAttributes); naming another is a mistake.
        out.mutates = value.split(',').map((t) => t.trim());
      }
      return;
    case 'expect-exit':
    case 'expect-rows':
    case 'expect-status': {
      const n = /^-?\d+$/.test(value) ? Number(value) : Number.NaN;
      const min = attr.name === 'expect-exit' ? 0 : attr.name === 'expect-status' ? 100 : 0;
      const max = attr.name === 'expect-exit' ? 255 : attr.name === 'expect-status' ? 599 : Number.MAX_SAFE_INTEGER;
      if (!Number.isInteger(n) || n < min || n > max) {
        const range = max === Number.MAX_SAFE_INTEGER ? `${min} or more` : `${min} to ${max}`;
        problems.error(pos, `${attr.name}=${value} is not a whole number (${range})`);
        return;
      }
      if (attr.name === 'expect-exit') out.expectExit = n;
      else if (attr.name === 'expect-rows') out.expectRows = n;
      else out.expectStatus = n;
      return;
    }
    case 'expect-output': {
      const error = regexError(value);
      if (error) problems.error(pos, `expect-output is not a valid regular expression: ${error}`);
      else out.expectOutput = value;
      return;
    }
    case 'timeout': {
      const m = DURATION.exec(value);
      if (!m || Number(m[1]) === 0) {
        problems.error(pos, `timeout=${value} is not a duration; write a number with ms, s, m or h, e.g. timeout=30s or timeout=5m`);
        return;
      }
      out.timeoutMs = Number(m[1]) * (UNIT_MS[m[2] ?? 's'] ?? 1000);
      return;
    }
    case 'confirm':
      out.confirm = true;
      return;
    case 'idempotent':
      out.idempotent = true;
      return;
  }
}

function suggest(name: string): string {
  const best = closest(name, Object.keys(ATTRIBUTES));
  return best ? ` — did you mean '${best}'?` : '';
}
