// A code block copied from a terminal: `$ kubectl get pods` followed by what it printed.
// Pages mix both in one block, so import must tell the commands (to run) from the output
// (to keep as an example, never run). A prompt is `$ `, a decorated one (`[root@node ~]# `,
// `user@host:~$ `, `sh-4.4# `), or `# ` where the block has no `$ ` prompts and is labelled
// `console` (a root shell's prompt; in a `bash` block `# ` is a comment). Lines that go on
// with the command (`\` at the end, an open quote, a heredoc, a trailing `|` or `&&`, or a
// `> ` continuation prompt) belong to it; every other line after a prompt is its output.

export interface Transcript {
  /** The commands, prompts removed, in order (continuation lines kept with their command). */
  code: string;
  /** What the commands printed, with the command lines shown with their prompts; empty when nothing was printed. */
  output: string;
  /** Whether the block had prompts at all (a block without them is all code). */
  prompted: boolean;
  /** A root prompt of another shell (`sh-5.1#`, `[root@node ~]#`): typed inside a session opened before. */
  rootSession: boolean;
}

const DECORATED = /^\s*(?:\[[^\]\n]*\]|[\w.-]+@[\w.-]+(?::[^\s$#]*)?|sh-[\d.]+|bash-[\d.]+)\s?[$#]\s?(.*)$/;
const DOLLAR = /^\s*\$\s(.*)$|^\s*\$$/;
const HASH = /^\s*#\s(.*)$/;

function promptOf(line: string, hashIsPrompt: boolean): string | undefined {
  const decorated = DECORATED.exec(line);
  if (decorated) return decorated[1] ?? '';
  const dollar = DOLLAR.exec(line);
  if (dollar) return dollar[1] ?? '';
  if (hashIsPrompt) {
    const hash = HASH.exec(line);
    if (hash) return hash[1] ?? '';
  }
  return undefined;
}

export function readTranscript(block: string, lang: string): Transcript {
  const lines = block.replace(/\n+$/, '').split('\n');
  const hasDollar = lines.some((l) => DECORATED.test(l) || DOLLAR.test(l));
  const hashIsPrompt = !hasDollar && lang === 'console' && lines.some((l) => HASH.test(l));
  if (!hasDollar && !hashIsPrompt) return { code: block.replace(/\n+$/, ''), output: '', prompted: false, rootSession: false };
  const rootSession = lines.some((l) => /^\s*(?:\[[^\]\n]*\]|[\w.-]+@[\w.-]+(?::\S*)?|sh-[\d.]+|bash-[\d.]+)\s?#\s/.test(l));

  const code: string[] = [];
  const output: string[] = [];
  let printed = false;
  let open: OpenState = CLOSED;
  for (const line of lines) {
    if (open.continues) {
      const text = line.replace(/^\s*>\s?/, '');
      code.push(text);
      output.push(line);
      open = stillOpen(open, text);
      continue;
    }
    const command = promptOf(line, hashIsPrompt);
    if (command !== undefined) {
      if (command.trim() !== '') code.push(command);
      output.push(line);
      open = stillOpen(CLOSED, command);
      continue;
    }
    if (code.length === 0 && /^\s*#/.test(line)) {
      code.push(line.trim()); // a comment above the first prompt says what the block is for
      continue;
    }
    output.push(line);
    if (line.trim() !== '') printed = true;
  }
  return { code: code.join('\n'), output: printed ? output.join('\n').replace(/^\n+|\n+$/g, '') : '', prompted: true, rootSession };
}

interface OpenState {
  continues: boolean;
  /** The heredoc delimiter still awaited, if any. */
  heredoc: string | null;
  /** An open quote character, if any. */
  quote: string | null;
}

const CLOSED: OpenState = { continues: false, heredoc: null, quote: null };

/** Whether the command goes on after `line` (which was read in state `before`). */
function stillOpen(before: OpenState, line: string): OpenState {
  if (before.heredoc !== null) {
    return line.replace(/^\t+/, '').trim() === before.heredoc ? CLOSED : { ...before, continues: true };
  }
  let quote = before.quote;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote === null && c === '#' && (i === 0 || /\s/.test(line[i - 1] ?? ''))) break;
    if (c === '\\' && quote !== "'") {
      i++;
      continue;
    }
    if (quote === null && (c === '"' || c === "'")) quote = c;
    else if (quote === c) quote = null;
  }
  if (quote !== null) return { continues: true, heredoc: null, quote };
  const heredoc = /<<-?\s*(['"]?)([A-Za-z_][\w-]*)\1/.exec(line);
  if (heredoc && !/<<</.test(line)) return { continues: true, heredoc: heredoc[2] ?? null, quote: null };
  return { continues: /(\\|\||&&)\s*$/.test(line), heredoc: null, quote: null };
}
