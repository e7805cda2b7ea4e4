// The top of an imported draft: what the author must still do before it can run, how the
// steps behave differently from the script, and the script's set-up as it was written.
// The same to-dos come back as one-line warnings for the CLI's stderr and the app.
import type { CommentBlock, ShellCommand } from './shell-commands.js';
import type { SetupKind, ShellOptions } from './script-setup.js';
import { fenced } from './draft-markdown.js';

export interface DraftStep {
  /** 1-based, as the Run view numbers steps. */
  number: number;
  /** The command's line in the script. */
  line: number;
  title: string;
  prose: string;
  code: string;
  /** Why it looks destructive (then it gets `confirm`). */
  reasons: string[];
  /** Other things the author must fix in this step. */
  notes: string[];
}

export interface ScriptFacts {
  fileName: string;
  shebang: string | null;
  /** The options the script's `set` lines turn on. */
  options: ShellOptions;
  /** The commands folded into the steps (or dropped), in script order. */
  setup: { command: ShellCommand; kind: SetupKind; comments: CommentBlock[] }[];
  reusedSubstitutions: { line: number; names: string[] }[];
  /** Script arguments that became inputs. */
  arguments: { position: string; input: string; line: number }[];
  targets: string[];
  /** The target every step was given at import, if the author named one. */
  target?: string;
}

export function introMarkdown(steps: DraftStep[], facts: ScriptFacts): { markdown: string; warnings: string[] } {
  const warnings: string[] = [];
  const todo: string[] = [];
  const targetList = facts.targets.length > 0 ? `a target of handrail.yml (${facts.targets.join(', ')}) or \`local\` for this machine` : 'a target of handrail.yml, or `local` for this machine';
  if (!facts.target) {
    todo.push(
      `**Targets:** no step has one yet, because the script does not say where it ran. Add \`target=NAME\` to each \`sh\` block — ${targetList}. ` +
        '`handrail validate` names every block that still needs one.',
    );
    warnings.push(`no step has a target yet: add target=NAME to each of the ${steps.length} sh block${steps.length === 1 ? '' : 's'} (${facts.targets.length > 0 ? `targets in handrail.yml: ${facts.targets.join(', ')}; ` : ''}or local for this machine)`);
  }

  const destructive = steps.filter((s) => s.reasons.length > 0);
  if (destructive.length > 0) {
    todo.push(`**Destructive:** ${stepList(destructive)} ${destructive.length === 1 ? 'looks' : 'look'} destructive: each has a **Warning** and asks for confirmation (\`confirm\`) before it runs. Check ${destructive.length === 1 ? 'it' : 'them'} first.`);
    for (const step of destructive) for (const reason of step.reasons) warnings.push(`step ${step.number} "${step.title}": ${reason}; it asks for confirmation`);
  }
  const noted = steps.filter((s) => s.notes.length > 0);
  if (noted.length > 0) {
    todo.push(`**Notes:** ${stepList(noted)} ${noted.length === 1 ? 'has a note' : 'have notes'} on what to change (a database to snapshot, an argument to make an input, bash-only syntax).`);
    for (const step of noted) for (const note of step.notes) warnings.push(`step ${step.number} "${step.title}": ${note}`);
  }
  todo.push(
    'Fill in `owner:` (and `environments:`, if it must not run everywhere) in the front matter, and mark the steps that are safe to run twice `idempotent`, ' +
      'so a step interrupted by a crash can be retried without asking.',
  );

  const differences = [
    'Each step runs in a fresh shell (`sh -c`), so nothing carries over from one step to the next. ' +
      (facts.setup.length > 0
        ? "The script's set-up, shown below, is repeated at the top of each step that needs it: every `cd`, `export` and `source`, and each variable or function where it is used."
        : 'The script set nothing up that later commands rely on.'),
  ];
  const setLine = facts.setup.find((s) => s.kind === 'set');
  const at = setLine ? ` (line ${setLine.command.line})` : '';
  const { errexit, nounset, pipefail } = facts.options;
  if (errexit || nounset) {
    differences.push(
      `${errexit ? '`set -e`' : '`set -u`'}${at}: Handrail stops the run at the first step that fails, as the script stopped at its first failing command; ` +
        `${errexit ? 'a step of several commands starts with `set -e` itself' : ''}${errexit && nounset ? ', and ' : ''}${nounset ? 'a step that uses variables starts with `set -u`, so an unset one still stops it' : ''}.`,
    );
  }
  if (!errexit && facts.setup.some((s) => s.kind === 'cd')) {
    differences.push('A repeated `cd` ends with `|| exit 1`, so a step whose folder is missing stops instead of running its commands somewhere else.');
  }
  const piped = steps.filter((s) => /\|/.test(s.code));
  if (pipefail && piped.length > 0) {
    differences.push(`\`pipefail\`${at} is a bash option that /bin/sh lacks: in the pipelines of ${stepList(piped)} only the last command's exit status counts. Check their output, or add \`expect-output\`.`);
    warnings.push(`the script sets pipefail, which /bin/sh lacks: in ${stepList(piped)} only the last command of a pipeline decides whether the step failed`);
  }
  for (const argument of facts.arguments) {
    differences.push(`The script's argument \`$${argument.position}\` (line ${argument.line}) is the input \`${argument.input}\`: the run asks for it, and each step that used it gets it as \`{{ ${argument.input} }}\`.`);
  }
  for (const s of facts.setup.filter((x) => x.kind === 'trap')) {
    differences.push(`\`trap\` (line ${s.command.line}) is left out: a step's shell ends with the step, so whatever the trap cleaned up at exit needs a step of its own at the end.`);
    warnings.push(`the trap on line ${s.command.line} is left out: add a final step for the cleanup it did`);
  }
  for (const s of facts.setup.filter((x) => x.kind === 'exit')) {
    differences.push(`\`exit\` (line ${s.command.line}) is left out: the run ends after its last step.`);
  }
  for (const reused of facts.reusedSubstitutions) {
    const names = reused.names.map((n) => `\`${n}\``).join(', ');
    differences.push(`${names} (line ${reused.line}) ${reused.names.length === 1 ? 'is' : 'are'} set by running a command, and each step that uses ${reused.names.length === 1 ? 'it' : 'them'} runs that command again, so the steps do not share one value; if they must, make it an input.`);
    warnings.push(`${reused.names.join(', ')} (line ${reused.line}) is computed again in each step that uses it; make it an input if the steps must share one value`);
  }
  if (facts.shebang && /bash/.test(facts.shebang)) {
    differences.push(`The script was written for bash (\`#!${facts.shebang}\`); steps run with /bin/sh. A step whose syntax only bash reads has a note saying so.`);
  }

  const parts = [
    `> **Draft imported from \`${facts.fileName}\`.** Each top-level command of the script is one step below (pipelines, \`&&\` chains, loops and heredocs kept whole), with the comment above it as its instructions. Read every step before you run it.`,
    `**Before this runbook can run:**\n\n${todo.map((t) => `- ${t}`).join('\n')}`,
    `**How the steps differ from the script:**\n\n${differences.map((d) => `- ${d}`).join('\n')}`,
  ];
  if (facts.setup.length > 0) {
    const text = facts.setup.map((s) => [...s.comments.flatMap((b) => b.lines.map((l) => `# ${l}`.trimEnd())), s.command.text].join('\n')).join('\n');
    parts.push(`The script's set-up:\n\n${fenced('text', [], text)}`);
  }
  return { markdown: parts.join('\n\n'), warnings };
}

/** "step 3", "steps 3 and 5", "steps 2, 3 and 5". */
function stepList(steps: DraftStep[]): string {
  const numbers = steps.map((s) => String(s.number));
  if (numbers.length === 1) return `step ${numbers[0]}`;
  return `steps ${numbers.slice(0, -1).join(', ')} and ${numbers.at(-1)}`;
}
