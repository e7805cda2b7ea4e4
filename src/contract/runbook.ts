import { z } from 'zod';
import { SourcePos } from './problem.js';

/** Names people type: runbook ids, environment and target names. */
export const NAME_PATTERN = '^[a-z0-9][a-z0-9-]*$';
/** Input names are used as `{{ name }}` and `:name`, so they follow identifier rules. */
export const INPUT_NAME_PATTERN = '^[a-z_][a-z0-9_]*$';
/** Semantic Versioning 2.0.0, as the regex published at semver.org. */
export const SEMVER_PATTERN =
  '^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(?:-((?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\\.(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?$';

export const InputType = z.enum(['string', 'number', 'boolean', 'enum']);
export type InputType = z.infer<typeof InputType>;

export const InputDeclaration = z
  .strictObject({
    type: InputType.describe('string, number, boolean, or enum (with values)'),
    description: z.string().optional(),
    pattern: z.string().optional().describe('A regular expression the whole value must match, as in HTML (`^pilot-[0-9]+` is read as `^(?:^pilot-[0-9]+)$`)'),
    values: z.array(z.union([z.string(), z.number()])).min(1).optional().describe('The allowed values of an enum'),
    default: z.union([z.string(), z.number(), z.boolean()]).optional(),
    secret: z.boolean().optional().describe('Masked in output, the store and the audit trail'),
  })
  .describe('An input the operator fills in before the run');
export type InputDeclaration = z.infer<typeof InputDeclaration>;

export const FrontMatter = z
  .strictObject({
    id: z.string().regex(new RegExp(NAME_PATTERN)).describe('Stable identifier: lowercase letters, digits, hyphens'),
    title: z.string().min(1),
    version: z.string().regex(new RegExp(SEMVER_PATTERN)).describe('Semantic version, e.g. 2.1.0'),
    owner: z.string().min(1).optional(),
    summary: z.string().optional(),
    environments: z
      .array(z.string().regex(new RegExp(NAME_PATTERN)))
      .min(1)
      .optional()
      .describe('The only environments this runbook may run in'),
    inputs: z.record(z.string().regex(new RegExp(INPUT_NAME_PATTERN)), InputDeclaration).optional(),
  })
  .describe('Front matter of a Handrail runbook (format version 1)');
export type FrontMatter = z.infer<typeof FrontMatter>;

export const ActionKind = z.enum(['sh', 'sql', 'http']);
export type ActionKind = z.infer<typeof ActionKind>;

/** The attributes in braces after a fence's language, normalised. */
export const StepAttributes = z.object({
  target: z.string().optional(),
  /** Database targets this step changes; a snapshot of each is taken before it runs. */
  mutates: z.array(z.string()),
  expectExit: z.number().int().optional(),
  expectOutput: z.string().optional(),
  expectRows: z.number().int().min(0).optional(),
  expectStatus: z.number().int().optional(),
  timeoutMs: z.number().int().positive().optional(),
  confirm: z.boolean(),
  idempotent: z.boolean(),
});
export type StepAttributes = z.infer<typeof StepAttributes>;

export const StepAction = z.object({
  kind: ActionKind,
  /** The language as written (`sh`, `bash`, `sql`, `http`). */
  lang: z.string(),
  code: z.string(),
  /** Position of the opening fence. */
  pos: SourcePos,
  /** Line of the first line of code (the one after the fence). */
  codeLine: z.number().int().min(1),
  /** Column at which the code lines start (after the fence's indentation). */
  codeCol: z.number().int().min(1),
  attributes: StepAttributes,
  /** Where each attribute was written, by its name as written (`expect-rows`). */
  attributePos: z.record(z.string(), SourcePos),
});
export type StepAction = z.infer<typeof StepAction>;

export const Step = z.object({
  /** 0-based position in the runbook. */
  index: z.number().int().min(0),
  title: z.string(),
  pos: SourcePos,
  /** The instruction: the Markdown under the heading, without the action block. */
  prose: z.string(),
  action: StepAction.optional(),
});
export type Step = z.infer<typeof Step>;

export const Runbook = z.object({
  path: z.string(),
  sha256: z.string(),
  frontMatter: FrontMatter,
  /** Where each front-matter key was written (`id`, `inputs.pilot.pattern`, `environments.1`). */
  keyPos: z.record(z.string(), SourcePos),
  /** The Markdown before the first step. */
  intro: z.string(),
  steps: z.array(Step),
});
export type Runbook = z.infer<typeof Runbook>;

/** A runbook as the workspace lists it. */
export const RunbookSummary = z.object({
  id: z.string(),
  title: z.string(),
  version: z.string(),
  owner: z.string().optional(),
  summary: z.string().optional(),
  environments: z.array(z.string()).optional(),
  path: z.string(),
  sha256: z.string(),
  steps: z.number().int(),
  problems: z.number().int(),
});
export type RunbookSummary = z.infer<typeof RunbookSummary>;
