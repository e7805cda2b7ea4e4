// `handrail record --env ENV --target T --title TITLE --out FILE`: each command (from stdin,
// or typed at a `record>` prompt in a terminal) runs for real on the target, with its
// output live and its exit code shown, and becomes a step; at the end the runbook is
// written to FILE (never over a file) and validated. Exit 0 when written.
import { createInterface, type Interface } from 'node:readline';
import { resolve } from 'node:path';
import type { RecordingDraft } from '../../contract/api.js';
import { openRecorder } from '../../app/recorder/cli-recorder.js';
import { checkSaveTarget } from '../../app/recorder/save-recording.js';
import { resolveSettings } from '../../app/settings.js';
import { formatProblem } from '../../app/workspace.js';
import type { GlobalOptions } from '../global-options.js';
import { print } from '../output.js';

export interface RecordFlags {
  env: string;
  target: string;
  title: string;
  out: string;
  confirm?: string;
  acceptHostKey: string[];
  /** Run commands that look destructive without asking (a piped script reviewed beforehand). */
  yes?: boolean;
}

const note = (line: string) => process.stderr.write(`${line}\n`);

export async function recordCommand(flags: RecordFlags, global: GlobalOptions): Promise<number> {
  const settings = resolveSettings(global);
  const out = resolve(process.cwd(), flags.out);
  // Before anything runs: a recording that could not be written would be work thrown away.
  await checkSaveTarget(flags.title, out, settings.workspace);
  const interactive = Boolean(process.stdin.isTTY && process.stderr.isTTY);
  const { recorder, close } = openRecorder(settings, {
    onOutput: (_draft, stream, text) => (stream === 'stdout' ? process.stdout : process.stderr).write(text),
  });
  let interrupted = false;
  let draft: RecordingDraft | undefined;
  const onSigint = () => {
    if (!draft) return;
    // In a terminal Ctrl-C stops the command and the prompt comes back; from a pipe it ends the recording.
    if (!interactive) interrupted = true;
    recorder.stop(draft.id).catch(() => undefined);
  };
  process.on('SIGINT', onSigint);
  try {
    draft = await recorder.start({ environment: flags.env, target: flags.target, title: flags.title, confirm: flags.confirm, acceptHostKeys: flags.acceptHostKey });
    note(`Recording "${draft.title}" in ${draft.environment} on target ${draft.target}: every command runs there for real.`);
    note(`The draft (${draft.id}) is saved after every command, so nothing is lost if this stops; the app's Record view can reopen it.`);
    if (interactive) note('Type a command and press Enter; an empty line or Ctrl-D ends the recording and writes the runbook.');

    const lines = interactive ? promptLines() : pipedLines();
    for await (const command of lines) {
      if (!interactive) note(`$ ${command}`);
      let recorded = await recorder.record(draft.id, command, { runDestructive: flags.yes === true });
      if (recorded.held) {
        // The warning comes before the command runs, and only a yes runs it.
        note(`  warning: this looks destructive (${recorded.held.join('; ')}); it has not run`);
        if (!interactive) {
          note(`Recording stopped before that command; nothing of it ran. Review the script, then record it with --yes. The draft ${draft.id} keeps ${draft.steps.length} step(s).`);
          return 2;
        }
        if (!/^y/i.test((await ask(`  Run it for real on ${draft.target} in ${draft.environment}? [y/N] `)) ?? '')) {
          note('  not run, not recorded');
          continue;
        }
        recorded = await recorder.record(draft.id, command, { runDestructive: true });
      }
      const { step, outcome } = recorded;
      if (!step || !outcome) {
        note(`  stopped after ${outcome?.durationMs ?? 0} ms; not recorded as a step`);
        if (interrupted) break;
        continue;
      }
      draft = recorded.draft;
      const number = draft.steps.length;
      const exit = outcome.exitCode === null ? `ended by ${outcome.signal ?? 'a signal'}` : `exit ${outcome.exitCode}`;
      note(`  ${exit} · ${outcome.durationMs} ms · step ${number}${outcome.cutLines > 0 ? ` · example keeps the last lines (${outcome.cutLines} cut)` : ''}`);
      if (outcome.exitCode !== 0) note(`  warning: it failed when recorded, and the runbook expects exit 0 there; fix or delete step ${number} before relying on it`);
      if (step.destructive.length > 0) note(`  warning: looks destructive (${step.destructive.join('; ')}); the step is marked confirm, so Handrail asks before it runs`);
    }
    if (interrupted) {
      note(`Recording stopped; ${out} was not written. The draft ${draft.id} keeps ${draft.steps.length} step(s): reopen it in the app's Record view.`);
      return 130;
    }
    if (draft.steps.length === 0) {
      note(`No command was recorded, so ${out} was not written.`);
      return 2;
    }
    const saved = await recorder.save(draft.id, { path: out, acknowledged: [], cwd: process.cwd() });
    note(`Wrote ${flags.out}: runbook '${saved.id}' 1.0.0 with ${draft.steps.length} step${draft.steps.length === 1 ? '' : 's'} (SHA-256 ${saved.sha256.slice(0, 12)}).`);
    for (const problem of saved.problems) print(formatProblem(problem));
    const errors = saved.problems.filter((p) => p.severity === 'error').length;
    print(errors === 0 ? `${flags.out}: valid` : `${flags.out}: ${errors} error${errors === 1 ? '' : 's'}; fix them (handrail validate ${flags.out}) before running it`);
    const flagged = draft.steps.flatMap((s, i) => (s.destructive.length > 0 ? [`step ${i + 1} (${s.title})`] : []));
    if (flagged.length > 0) note(`warning: review ${flagged.join(', ')}: they look destructive and ask for confirmation before they run.`);
    return 0;
  } finally {
    process.off('SIGINT', onSigint);
    await close();
  }
}

/** Commands from a pipe or file: one a line; blank lines and `#` comments skipped; `\` at the end continues a line. */
async function* pipedLines(): AsyncGenerator<string> {
  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
  let pending = '';
  for await (const line of rl) {
    if (pending === '' && (line.trim() === '' || line.trimStart().startsWith('#'))) continue;
    pending += line;
    if (continues(line)) {
      pending += '\n';
      continue;
    }
    yield pending;
    pending = '';
  }
  if (pending.trim() !== '') yield pending.trimEnd();
}

/** Commands typed at `record> `; an empty line or Ctrl-D ends; `\` at the end continues on a `...> ` line. */
async function* promptLines(): AsyncGenerator<string> {
  for (;;) {
    let command = '';
    for (let first = true; ; first = false) {
      const line = await ask(first ? 'record> ' : '...> ');
      if (line === undefined || (first && line.trim() === '')) return;
      command += line;
      if (!continues(line)) break;
      command += '\n';
    }
    yield command;
  }
}

/** One line from the terminal; undefined on Ctrl-D or Ctrl-C at the prompt. */
function ask(prompt: string): Promise<string | undefined> {
  // A fresh interface per line: while a command runs, nothing reads the terminal and Ctrl-C
  // reaches this process (which stops the command) instead of readline.
  const rl: Interface = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  return new Promise((done) => {
    let answered = false;
    rl.on('SIGINT', () => rl.close());
    rl.on('close', () => {
      if (!answered) process.stderr.write('\n');
      done(undefined); // after an answer this changes nothing: a promise settles once
    });
    rl.question(prompt, (answer) => {
      answered = true;
      done(answer);
      rl.close();
    });
  });
}

function continues(line: string): boolean {
  return /(^|[^\\])(\\\\)*\\$/.test(line);
}
