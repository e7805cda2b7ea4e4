// A shell script turned into a runbook draft: one step per top-level command (pipelines,
// `&&` chains, loops and heredocs stay whole), its comments as prose, destructive commands
// marked `confirm` with a warning, and the script's set-up (`cd`, variables, functions,
// `set -e`) repeated in each step that needs it, since every step runs in a fresh shell.
//
// The draft deliberately leaves every step's `target` out: a script does not say where it
// ran, and a guessed `target=local` would run a server's commands on the author's laptop.
// `handrail validate` then names each block that still needs one ("this sh step has no
// target; add target=NAME …"), which is the author's to-do list.
import { capitalized, fenced, headingText, proseFrom, runbookIdFrom, yamlScalar } from './draft-markdown.js';
import { introMarkdown, type DraftStep, type ScriptFacts } from './draft-intro.js';
import { destructiveFindings, ScriptKnowledge, type DestructiveFinding, type ScriptFiles } from './destructive-commands.js';
import { bashOnlySyntax, parseShellScript, type CommentBlock, type ShellCommand } from './shell-commands.js';
import { assigned, ownCall, readsArguments, roleOf, setupFor, shellOptions, type Role, type SetupKind } from './script-setup.js';
import { clientsThatWrite } from './sql-in-shell.js';

export { ShellSyntaxError } from './shell-commands.js';

export interface ImportOptions {
  /** The inventory's target names, to list in the draft's to-do. */
  targets?: string[];
  /** Put `target=NAME` on every step (the author named where the script runs). */
  target?: string;
  /**
   * The files that came with the script (a folder import's folder) and the script's path
   * among them: the helpers it sources and the programs of its own it calls are read, so
   * `edit_conf -i … /etc/app.conf` through a sourced `sed "$@"` wrapper is flagged.
   */
  files?: ScriptFiles;
  path?: string;
}

export interface ImportedScript {
  markdown: string;
  /** What the author must look at or fill in, one line each. */
  warnings: string[];
}

/** The script parsed but has nothing a step could run. */
export class NothingToImportError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'NothingToImportError';
  }
}

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;
const TITLE_SKIP = /^(usage|copyright|\(c\)|author|license|spdx|maintainer|version)\b/i;

export async function importScript(text: string, name: string, options: ImportOptions = {}): Promise<ImportedScript> {
  const source = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const script = await parseShellScript(source);
  // Judged as one script, so a write to a file an earlier command made is not flagged.
  const knowledge = new ScriptKnowledge(options.files, options.path);
  const findings = await destructiveFindings(source, knowledge);
  const commands = script.commands;
  const roles = commands.map(roleOf);
  const stepAt = roles.flatMap((role, i) => (role.kind === 'step' ? [i] : []));
  if (stepAt.length === 0) {
    throw new NothingToImportError(commands.length === 0 ? 'it has no commands' : 'it only sets things up (set, cd, variables, functions) and runs no command');
  }
  const { header, comments } = splitHeader(commands, roles);
  const asWritten = [...commands];
  const inputs = argumentInputs(commands, roles, comments, name);
  const declared = new Set(inputs.map((i) => i.name));
  const fileName = name.split(/[\\/]/).pop() ?? name;
  const { title, intro } = titleOf(header.length > 0 ? header : (commands[0]?.commentsBefore[0]?.lines ?? []), fileName, header.length > 0);
  // Parsing as POSIX sh is one pass for the whole script; only when it fails is each step checked.
  const bashOnly = (await bashOnlySyntax(source)) !== null;

  const steps: DraftStep[] = [];
  for (const [n, at] of stepAt.entries()) {
    steps.push(await buildStep(n + 1, at, commands, roles, comments[at] ?? [], bashOnly, declared, findings, knowledge.notes));
  }
  const facts: ScriptFacts = {
    fileName,
    shebang: script.shebang,
    options: shellOptions(commands, roles, commands.length),
    setup: asWritten.flatMap((command, i) => (roles[i]?.kind === 'step' ? [] : [{ command, kind: (roles[i] as Role).kind as SetupKind, comments: comments[i] ?? [] }])),
    reusedSubstitutions: reusedSubstitutions(commands, roles, stepAt),
    arguments: inputs.map((i) => ({ position: i.position, input: i.name, line: i.line })),
    targets: options.targets ?? [],
    ...(options.target ? { target: options.target } : {}),
  };
  const { markdown: introText, warnings } = introMarkdown(steps, facts);

  const frontMatter = [
    '---',
    `id: ${runbookIdFrom(fileName)}`,
    `title: ${yamlScalar(title)}`,
    'version: 1.0.0',
    `summary: ${yamlScalar(`Draft imported from ${fileName}`)}`,
    '# owner: the team that keeps this runbook current',
    '# environments: [the environments it may run in]',
    ...inputsYaml(inputs),
    '---',
  ].join('\n');
  const body = [frontMatter, `# ${title}`, ...(intro ? [intro] : []), introText, ...steps.map((s) => stepMarkdown(s, options.target))];
  return { markdown: `${body.join('\n\n')}\n`, warnings };
}

async function buildStep(
  number: number,
  at: number,
  commands: ShellCommand[],
  roles: Role[],
  blocks: CommentBlock[],
  bashOnly: boolean,
  inputs: Set<string>,
  findings: DestructiveFinding[],
  attention: readonly { line: number; reason: string }[],
): Promise<DraftStep> {
  const command = commands[at] as ShellCommand;
  const setup = setupFor(commands, roles, at).map((i) => ({ command: commands[i] as ShellCommand, kind: (roles[i] as Role).kind }));
  const options = shellOptions(commands, roles, at);
  const several = setup.length > 0 || !command.simple;
  const expands = command.expands.length > 0 || setup.some((s) => s.command.expands.length > 0);
  const letters = `${options.errexit && several ? 'e' : ''}${options.nounset && expands ? 'u' : ''}`;
  const lines = letters ? [`set -${letters}`] : [];
  for (const s of setup) {
    // Without `set -e`, a `cd` that fails must not let the rest run in the wrong folder.
    lines.push(s.kind === 'cd' && !letters.includes('e') ? `${s.command.text} || exit 1` : s.command.text);
  }
  lines.push(command.text);
  const code = lines.join('\n');

  const reasons: string[] = [];
  for (const part of [command, ...setup.map((s) => s.command)]) reasons.push(...findings.filter((f) => f.line >= part.line && f.line <= part.endLine).map((f) => f.reason));
  const notes: string[] = [];
  // Not destructive (it asks for no confirmation), but worth the author's look.
  for (const n of attention) if (n.line >= command.line && n.line <= command.endLine) notes.push(`${n.reason}: not destructive, so no confirmation is asked; check the path is the one meant.`);
  const clients = await clientsThatWrite([...command.calls, ...setup.filter((s) => s.kind === 'function').flatMap((s) => s.command.calls)]);
  if (clients.length > 0) {
    notes.push(
      `this step changes a database through ${clients.map((c) => `\`${c}\``).join(' and ')}. Handrail snapshots a database before a step only when the step names it: ` +
        'move the SQL into a `sql` step on a database target with `mutates` (`{target=DB mutates}`), or add `mutates=DB` to this block, so a verified snapshot is taken first.',
    );
  }
  const argument = readsArguments(command) ?? setup.filter((s) => s.kind !== 'function').map((s) => readsArguments(s.command)).find(Boolean);
  if (argument) {
    notes.push(`this step reads the script's arguments (\`$${argument}\`), and a step has none: declare an input under \`inputs:\` in the front matter and write \`{{ name }}\` in its place.`);
  }
  if (bashOnly) {
    const problem = await bashOnlySyntax(code);
    if (problem) {
      notes.push(
        `this step uses bash-only syntax (${problem.reason.replace(/; tried parsing as posix$/, '')}), and Handrail runs \`sh\` blocks with /bin/sh, which is not always bash: ` +
          "rewrite it for sh, or wrap it as `bash -c '…'`.",
      );
    }
  }
  if ([...code.matchAll(PLACEHOLDER)].some((m) => !inputs.has(m[1] ?? ''))) {
    notes.push('Handrail reads `{{ … }}` in a command as an input placeholder, so `handrail validate` reports the one here: declare it as an input, or split the two braces with quotes so they no longer stand side by side.');
  }
  if (ownCall(command)?.name === 'read') notes.push('`read` waits for the terminal, and a step has none (its input is empty): make the value an input instead.');

  const { title, prose } = titleAndProse(blocks, command);
  return { number, line: command.line, title, prose, code, reasons: [...new Set(reasons)], notes };
}

function stepMarkdown(step: DraftStep, target: string | undefined): string {
  const parts = [`## ${step.title}`];
  if (step.prose) parts.push(step.prose);
  for (const reason of step.reasons) parts.push(`> **Warning:** ${reason}.`);
  for (const note of step.notes) parts.push(`> **Note:** ${capitalized(note)}`);
  parts.push(fenced('sh', [...(target ? [`target=${target}`] : []), ...(step.reasons.length > 0 ? ['confirm'] : [])], step.code));
  return parts.join('\n\n');
}

/**
 * The script's header comment (its first comment block) becomes the intro — unless the
 * only comment sits right on a first command that becomes a step, when it is that step's.
 */
function splitHeader(commands: ShellCommand[], roles: Role[]): { header: string[]; comments: CommentBlock[][] } {
  const comments = commands.map((c) => [...c.commentsBefore]);
  const first = comments[0] ?? [];
  const block = first[0];
  const command = commands[0];
  if (!block || !command) return { header: [], comments };
  const touches = block.endLine === command.line - 1;
  if (first.length === 1 && touches && roles[0]?.kind === 'step') return { header: [], comments };
  comments[0] = first.slice(1);
  return { header: block.lines, comments };
}

/** The runbook's title from the header's first telling line (or the file name), and the rest as the intro. */
function titleOf(lines: string[], fileName: string, ownsLines: boolean): { title: string; intro: string } {
  const base = fileName.replace(/\.(sh|bash|ksh|zsh)$/i, '');
  const escaped = [fileName, base].map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
  const at = lines.findIndex((l) => proseFrom([l]) !== '' && !TITLE_SKIP.test(l.trim()));
  const line = at === -1 ? '' : (lines[at] ?? '').trim().replace(new RegExp(`^(${escaped})\\s*([:—–-]+\\s*)?`, 'i'), '').replace(/[.:]$/, '');
  const title = line !== '' ? capitalized(headingText(line)) : capitalized(runbookIdFrom(fileName).replace(/-/g, ' '));
  if (!ownsLines) return { title, intro: '' };
  const rest = at === -1 || line === '' ? lines : lines.filter((_, i) => i !== at);
  return { title, intro: proseFrom(rest) };
}

/** A step's title from the comment nearest above it (the rest is prose), else its command. */
function titleAndProse(blocks: CommentBlock[], command: ShellCommand): { title: string; prose: string } {
  const earlier = blocks.slice(0, -1).map((b) => proseFrom(b.lines)).filter(Boolean);
  const nearest = proseFrom(blocks.at(-1)?.lines ?? []).split('\n');
  const first = nearest.findIndex((l) => l.trim() !== '');
  if (first !== -1) {
    const line = (nearest[first] ?? '').trim().replace(/^\\/, '');
    // The first sentence is the title; what follows it on the line opens the prose.
    const sentence = /^(.{8,80}?)(?:[.;:]|\s[—–-])\s+(\S.*)$/.exec(line);
    const head = sentence?.[1] ?? line;
    const title = capitalized(headingText(head.replace(/[.:]$/, '')));
    const more = sentence?.[2] ? capitalized(sentence[2]) : title.endsWith('…') ? line : '';
    const rest = [more, nearest.slice(first + 1).join('\n').trim()].filter(Boolean).join('\n');
    const prose = [...earlier, ...(rest ? [rest] : [])].join('\n\n');
    return { title, prose };
  }
  const trailing = command.trailingComment ? proseFrom([command.trailingComment]) : '';
  if (trailing) return { title: capitalized(headingText(trailing.replace(/[.:]$/, ''))), prose: earlier.join('\n\n') };
  return { title: commandTitle(command), prose: earlier.join('\n\n') };
}

function commandTitle(command: ShellCommand): string {
  const call = ownCall(command);
  const words = command.simple && call ? [call.name, ...call.args].join(' ') : (command.text.split('\n')[0] ?? '');
  return headingText(words.replace(/\s*(\\|\{|;|&&|\|\||\|)\s*$/, ''), 60) || 'Run the command';
}

/** Variables set from a command (`TMP=$(mktemp -d)`) that several steps repeat, each getting its own value. */
function reusedSubstitutions(commands: ShellCommand[], roles: Role[], stepAt: number[]): { line: number; names: string[] }[] {
  const out: { line: number; names: string[] }[] = [];
  commands.forEach((command, i) => {
    if (roles[i]?.kind !== 'assign' || command.calls.length === 0) return;
    const users = stepAt.filter((at) => at > i && setupFor(commands, roles, at).includes(i));
    if (users.length > 1) out.push({ line: command.line, names: assigned(command) });
  });
  return out;
}

interface ArgumentInput {
  name: string;
  position: string;
  line: number;
  description: string;
  default: string | undefined;
}

const ARGUMENT_ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=("?)\$(?:\{([1-9])(?::?([-?=])([^}]*))?\}|([1-9]))\2$/;

/**
 * `RELEASE="${1:?usage}"` at the top of a script is how it takes an argument; in a runbook
 * that is an input. The assignment becomes `RELEASE={{ release }}` (the engine puts the
 * value in as one quoted word) and the input is declared, so the draft needs no edit for it.
 */
function argumentInputs(commands: ShellCommand[], roles: Role[], comments: CommentBlock[][], scriptName: string): ArgumentInput[] {
  const inputs: ArgumentInput[] = [];
  commands.forEach((command, i) => {
    if (roles[i]?.kind !== 'assign') return;
    const m = ARGUMENT_ASSIGNMENT.exec(command.text);
    if (!m) return;
    const [, variable = '', , braced, operator, word, bare] = m;
    const name = variable.toLowerCase();
    if (!/^[a-z_][a-z0-9_]*$/.test(name) || inputs.some((x) => x.name === name)) return;
    const position = braced ?? bare ?? '1';
    const said = proseFrom(comments[i]?.at(-1)?.lines ?? []).replace(/\s+/g, ' ').trim();
    inputs.push({
      name,
      position,
      line: command.line,
      description: said || `Argument ${position} of ${scriptName.split(/[\\/]/).pop() ?? scriptName} (${variable})`,
      default: operator === '-' || operator === '=' ? word?.replace(/^(["'])(.*)\1$/, '$2') : undefined,
    });
    commands[i] = { ...command, text: `${variable}={{ ${name} }}`, expands: command.expands.filter((n) => n !== position) };
  });
  return inputs;
}

function inputsYaml(inputs: ArgumentInput[]): string[] {
  if (inputs.length === 0) return [];
  return [
    'inputs:',
    ...inputs.flatMap((input) => [
      `  ${input.name}:`,
      '    type: string',
      `    description: ${yamlScalar(input.description)}`,
      ...(input.default !== undefined ? [`    default: ${JSON.stringify(input.default)}`] : []),
    ]),
  ];
}
