// A file the script removes and then writes again from scratch: `rm -f $APP_CONF` followed by
// `iniset $APP_CONF …` (DevStack's "(Re)create nova.conf"), or `rm -f "$DEST"` followed by
// `wget -O "$DEST" URL` (a download helper). What the file held is what the program writes or
// fetches on each run, so the removal loses nothing the labels keep.
// Only those two kinds of write count. The labels call a removal followed by `cp`, `mv`, `touch`,
// `tee` or `>` destructive often enough (a CA's index emptied, a packaged file replaced by the
// project's copy, a program replaced by a wrapper, `/etc/resolv.conf` written anew) that the
// rewrite does not excuse it; nor does a link put in its place (`rm F; ln -s X F`).
// The write must surely run after the removal: later in the same function (or, at the top of a
// script, anywhere after it outside a function), in the same `if`/`case` arm or outside any,
// with no `return`/`exit` between.
import { operands, optionValue } from './command-args.js';
import type { ShellCall, StatementCalls } from './shell-calls.js';

export interface Rewrite {
  line: number;
  target: string;
  /** The `if`/`case` arms the write sits in (script-branches.ts); for a `return`/`exit`, target is ''. */
  arms: readonly string[];
}

/** Wrappers whose command follows their options (`sudo -u app touch F`). */
const WRAPPERS = new Set(['sudo', 'env', 'nice', 'ionice', 'run', 'run_as_root', 'run_with_sudo']);
/** Setters that make the file if needed and write one key into it: DevStack's `iniset`, `crudini --set`. */
const SETTERS = new Set(['iniset', 'iniset_multiline', 'crudini']);

/** The files a call writes afresh: a setter's file, a download's output. */
function written(call: Pick<ShellCall, 'name' | 'args'>): string[] {
  let [name = '', ...args] = [call.name.split('/').pop() ?? call.name, ...call.args];
  while (WRAPPERS.has(name)) {
    const at = args.findIndex((a) => !a.startsWith('-') && !/^\w+=/.test(a));
    if (at < 0) return [];
    name = (args[at] ?? '').split('/').pop() ?? '';
    args = args.slice(at + 1);
  }
  if (SETTERS.has(name)) return operands(args).slice(0, 1);
  const out = name === 'wget' ? optionValue(args, '-O', '--output-document') : name === 'curl' ? optionValue(args, '-o', '--output') : undefined;
  return out !== undefined && out !== '-' ? [out] : [];
}

/** Every write afresh in a statement (setters, downloads), with its line and arms, and each `return`/`exit` (target ''). */
export function rewritesIn(statement: Pick<StatementCalls, 'calls' | 'redirects'>, arms: ReadonlyMap<number, readonly string[]> = new Map()): Rewrite[] {
  const out: Rewrite[] = [];
  const at = (line: number): readonly string[] => arms.get(line) ?? [];
  for (const call of statement.calls) {
    if (call.name === 'return' || call.name === 'exit') out.push({ line: call.line, target: '', arms: at(call.line) });
    for (const target of written(call)) out.push({ line: call.line, target, arms: at(call.line) });
  }
  return out;
}

/**
 * For each statement, the writes afresh that can follow it: its own, and for a statement that
 * defines no function, those of the later statements that define none either.
 */
export function rewritesAhead(statements: readonly (Pick<StatementCalls, 'calls' | 'redirects' | 'defines'> & { arms?: ReadonlyMap<number, readonly string[]> })[]): Rewrite[][] {
  const own = statements.map((s) => rewritesIn(s, s.arms));
  const after: Rewrite[][] = [];
  let later: Rewrite[] = [];
  for (let k = statements.length - 1; k >= 0; k--) {
    const defines = (statements[k]?.defines.length ?? 0) > 0;
    after[k] = defines ? (own[k] ?? []) : [...(own[k] ?? []), ...later];
    if (!defines) later = after[k] ?? [];
  }
  return after;
}

/**
 * The file `word`, removed at `line` in the arms `armsNow`, is written afresh after it: by a
 * write that runs whenever the removal did (its arms are among the removal's), with no
 * `return`/`exit` from the removal up to it.
 */
export function rebuiltAfter(ahead: readonly Rewrite[], line: number, word: string, armsNow: readonly string[]): boolean {
  if (word === '') return false;
  const stops = ahead.filter((w) => w.target === '' && w.line >= line).map((w) => w.line);
  return ahead.some((w) => w.line >= line && w.target === word && w.arms.every((a) => armsNow.includes(a)) && !stops.some((s) => s < w.line));
}
