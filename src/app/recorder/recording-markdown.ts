// A recording written as a runbook (format version 1): version 1.0.0, allowed only in the
// environment it was recorded in; each command a `## Title` step with the author's prose,
// the command in ```sh {target=…}``` and its recorded output in a ```text block that says
// it is an example, not an expectation.
import type { RecordedStep, RecordingDraft } from '../../contract/api.js';

export const FIRST_VERSION = '1.0.0';
const MAX_ID = 60;
const MAX_STEP_TITLE = 72;

/** `Rotate the API key (prod)` → `rotate-the-api-key-prod`. */
export function runbookIdFrom(title: string): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, MAX_ID)
    .replace(/-+$/, '');
  return slug === '' ? 'recorded-runbook' : slug;
}

/** The title a step gets until the author gives it one: the command's first line, shortened. */
export function defaultStepTitle(command: string): string {
  const lines = command.trim().split('\n');
  const first = (lines[0] ?? '').replace(/\s+/g, ' ').replace(/\s*\\$/, '').trim();
  const short = first.length > MAX_STEP_TITLE ? `${first.slice(0, MAX_STEP_TITLE - 1).trimEnd()}…` : first;
  return lines.length > 1 && short === first ? `${short} …` : short || 'Command';
}

export interface RenderOptions {
  id: string;
  /** Steps (0-based) flagged destructive that were acknowledged without `confirm`. */
  acknowledged: ReadonlySet<number>;
}

export function renderRecording(draft: RecordingDraft, options: RenderOptions): string {
  const day = draft.startedAt.slice(0, 10);
  const out = [
    '---',
    `id: ${options.id}`,
    `title: ${yamlString(draft.title)}`,
    `version: ${FIRST_VERSION}`,
    `environments: [${draft.environment}]`,
    '---',
    '',
    `# ${oneLine(draft.title)}`,
    '',
    `Recorded by ${draft.operator} on ${day} in ${draft.environment}, on target ${draft.target}, with Handrail's recorder. ` +
      'Each step is a command as it was run then; the output under it is an example from that run, not something the run checks. ' +
      'Every step runs in a fresh shell: a `cd` or an exported variable does not carry over to the next step.',
    '',
  ];
  draft.steps.forEach((step, i) => out.push(...renderStep(step, options.acknowledged.has(i))));
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}

function renderStep(step: RecordedStep, acknowledged: boolean): string[] {
  const lines = [`## ${oneLine(step.title) || defaultStepTitle(step.command)}`, ''];
  const prose = step.prose.trim();
  // A `#` or `##` line in the prose would end the step there and start another.
  if (prose !== '') lines.push(prose.replace(/^(#{1,2})(\s)/gm, '###$2'), '');
  if (step.destructive.length > 0) {
    const how = step.confirm ? 'Handrail asks before running it.' : acknowledged ? 'Reviewed when it was saved; Handrail does not ask before running it.' : '';
    lines.push(`**Warning:** this command looks destructive (${step.destructive.join('; ')}). ${how}`.trimEnd(), '');
  }
  const attributes = [`target=${step.target}`];
  if (step.mutates.length > 0) attributes.push(`mutates=${step.mutates.join(',')}`);
  if (step.confirm) attributes.push('confirm');
  if (step.idempotent) attributes.push('idempotent');
  const command = step.command.replace(/\n+$/, '');
  const fence = fenceFor(command);
  lines.push(`${fence}sh {${attributes.join(' ')}}`, command, fence, '');

  const facts = `exit code ${step.exitCode ?? 'none (ended by a signal)'}, ${formatDuration(step.durationMs)}`;
  if (step.exampleOutput === '') {
    lines.push(`*When recorded it printed nothing (${facts}).*`, '');
  } else {
    const example = fenceFor(step.exampleOutput);
    lines.push(`Example output, as recorded (${facts}):`, '', `${example}text`, step.exampleOutput, example, '');
  }
  return lines;
}

/** A fence longer than any run of backticks in the text, so the text cannot close it. */
function fenceFor(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  return '`'.repeat(Math.max(3, longest + 1));
}

function oneLine(text: string): string {
  // A heading ending in #s would lose them (they close an ATX heading).
  return text.replace(/\s+/g, ' ').trim().replace(/\s+#+$/, '');
}

/** Plain when YAML reads it back unchanged, else a double-quoted string (JSON's escapes are YAML's). */
function yamlString(text: string): string {
  const flat = oneLine(text);
  return /^[A-Za-z0-9][A-Za-z0-9 ._,()/'-]*$/.test(flat) && !/\s$/.test(flat) ? flat : JSON.stringify(flat);
}

function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
