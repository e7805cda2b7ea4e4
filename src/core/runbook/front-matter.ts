import {
  FrontMatter,
  INPUT_NAME_PATTERN,
  InputDeclaration as InputDeclarationSchema,
  type InputDeclaration,
} from '../../contract/runbook.js';
import type { SourcePos } from '../../contract/problem.js';
import type { ProblemList } from '../problems.js';
import { parseYaml, type YamlPositions } from '../yaml.js';
import { describe, reportZodIssues, type Hints } from '../zod-issues.js';
import { wholeMatch } from '../engine/inputs.js';

const HINTS: Hints = {
  '#keys': 'id, title, version, owner, summary, environments, inputs',
  id: 'lowercase letters, digits and hyphens, e.g. reset-pilot',
  title: 'a short human title',
  version: 'a semantic version MAJOR.MINOR.PATCH, e.g. 2.1.0',
  'environments.*': 'environment names are lowercase letters, digits and hyphens',
  environments: 'a list of environment names, e.g. [pilot, local-demo]',
  inputs: 'input names are lowercase letters, digits and underscores, e.g. api_token',
  'inputs.*#keys': 'type, description, pattern, values, default, secret',
  'inputs.*.type': 'one of string, number, boolean, enum',
  'inputs.*.values': 'a list of the allowed values',
};

export interface FrontMatterResult {
  /** The front matter when it is entirely valid. */
  frontMatter: FrontMatter | undefined;
  /**
   * Its valid parts, so the rest of the runbook can still be judged (and every problem
   * reported in one pass) when one key is wrong.
   */
  partial: FrontMatter;
  positions: YamlPositions;
}

/**
 * Validates the YAML between the `---` lines. `origin` is the position of the first YAML
 * line; `fence` the position of the opening `---`, used for keys that are missing.
 */
export function readFrontMatter(yaml: string, origin: SourcePos, fence: SourcePos, problems: ProblemList): FrontMatterResult {
  const empty: YamlPositions = { key: new Map(), value: new Map() };
  const parsed = parseYaml(yaml, origin);
  if (!parsed.ok) {
    problems.error(parsed.error.pos, `${parsed.error.message} in the front matter`);
    return { frontMatter: undefined, partial: partialFrontMatter({}), positions: empty };
  }
  if (parsed.value === null || typeof parsed.value !== 'object' || Array.isArray(parsed.value)) {
    problems.error(fence, 'the front matter must be a map of keys (id, title, version, …)');
    return { frontMatter: undefined, partial: partialFrontMatter({}), positions: empty };
  }
  const raw = parsed.value as Record<string, unknown>;
  const result = FrontMatter.safeParse(raw, { reportInput: true });
  if (!result.success) {
    reportZodIssues(result.error.issues, parsed.positions, fence, problems, HINTS, 'the front matter');
  }
  const partial = result.success ? result.data : partialFrontMatter(raw);
  checkInputs(partial, parsed.positions, problems);
  return { frontMatter: result.success ? result.data : undefined, partial, positions: parsed.positions };
}

/** Keeps each key that is valid on its own; an invalid input still counts as declared. */
function partialFrontMatter(raw: Record<string, unknown>): FrontMatter {
  const shape = FrontMatter.shape;
  const pick = <T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } }, value: unknown) => {
    const r = schema.safeParse(value);
    return r.success ? r.data : undefined;
  };
  const inputs: Record<string, InputDeclaration> = {};
  if (raw.inputs && typeof raw.inputs === 'object') {
    for (const [name, decl] of Object.entries(raw.inputs)) {
      if (!new RegExp(INPUT_NAME_PATTERN).test(name)) continue;
      inputs[name] = pick(InputDeclarationSchema, decl) ?? { type: 'string' };
    }
  }
  const environments = Array.isArray(raw.environments)
    ? raw.environments.filter((e): e is string => typeof e === 'string')
    : undefined;
  return {
    id: pick(shape.id, raw.id) ?? '',
    title: pick(shape.title, raw.title) ?? '',
    version: pick(shape.version, raw.version) ?? '',
    ...(environments ? { environments } : {}),
    inputs,
  };
}

function checkInputs(fm: FrontMatter, positions: YamlPositions, problems: ProblemList): void {
  for (const [name, input] of Object.entries(fm.inputs ?? {})) {
    const at = (key: string): SourcePos =>
      positions.key.get(`inputs.${name}.${key}`) ?? positions.key.get(`inputs.${name}`) ?? { line: 1, col: 1 };
    if (input.type === 'enum' && !input.values) {
      problems.error(at('type'), `input '${name}' is an enum but has no values; add values: [a, b]`);
    }
    if (input.type !== 'enum' && input.values) {
      problems.error(at('values'), `input '${name}' has values but is of type ${input.type}; use type: enum, or remove values`);
    }
    if (input.pattern !== undefined) {
      if (input.type !== 'string') {
        problems.error(at('pattern'), `input '${name}' has a pattern but is of type ${input.type}; patterns apply to strings`);
      } else if (!compiles(input.pattern)) {
        problems.error(at('pattern'), `the pattern of input '${name}' is not a valid regular expression: ${regexError(input.pattern)}`);
      }
    }
    if (input.default !== undefined) {
      if (input.secret) {
        problems.error(at('default'), `secret input '${name}' has a default; a secret must not be written in the runbook — remove the default`);
      } else {
        const wrong = defaultProblem(input);
        if (wrong) problems.error(at('default'), `the default of input '${name}' ${wrong}`);
      }
    }
  }
}

function defaultProblem(input: InputDeclaration): string | undefined {
  const value = input.default;
  switch (input.type) {
    case 'string':
      if (typeof value !== 'string') return `must be a string, not ${describe(value)}; quote it`;
      if (input.pattern && compiles(input.pattern) && !wholeMatch(input.pattern).test(value)) {
        return `${describe(value)} does not match its pattern ${input.pattern} (the whole value must match)`;
      }
      return undefined;
    case 'number':
      return typeof value === 'number' ? undefined : `must be a number, not ${describe(value)}`;
    case 'boolean':
      return typeof value === 'boolean' ? undefined : `must be true or false, not ${describe(value)}`;
    case 'enum':
      return input.values?.some((v) => v === value) ? undefined : `${describe(value)} is not one of its values (${(input.values ?? []).join(', ')})`;
  }
}

function compiles(pattern: string): boolean {
  return regexError(pattern) === undefined;
}

export function regexError(pattern: string): string | undefined {
  try {
    new RegExp(pattern);
    return undefined;
  } catch (error) {
    return (error as Error).message.replace(/^Invalid regular expression: /, '');
  }
}
