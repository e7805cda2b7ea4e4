// Files a script regenerates in full, whose `>` is not a loss: what the file held before is
// what this same script wrote on its last run, built again from the same inputs.
//
// Two shapes, both judgement calls an operator reviewing the script can check by reading it:
// - emptied, then filled: `: > /etc/postfix/virtual` followed (anywhere in the script) by
//   appends or a copy into the same path (`>> FILE`, `cp SRC FILE`, `tee -a FILE`): the script
//   starts the file afresh each run and fills it itself. A log (`*.log`, under /var/log) is
//   history, not something derived, so emptying one stays a finding.
// - its own file in a drop-in folder, written whole from a heredoc:
//   `cat > /etc/logrotate.d/app <<EOF … EOF`. A drop-in folder (`/etc/NAME.d/`, `conf.d/`,
//   `/etc/cron.daily/`) holds one file per owner, and the file's entire new content stands in
//   the script, so the reader sees exactly what it becomes. The same whole write over any other
//   path is judged in generated-writes.ts (the program laying down its file, unless the file
//   is someone else's or the script searched or backed it up first).
//   `/etc/systemd/system/NAME.service` (and `.timer`, `.socket`, …) counts as such a file:
//   packages put their units under /lib or /usr/lib, so a unit there is the admin's own, and
//   the script that writes it whole is its author. `echo`/`printf` of text written in the
//   script (`echo "%app ALL=…" > /etc/sudoers.d/app`) is a whole new content like a heredoc.
// - written only where a test just said the file is not there
//   (`if [[ ! -f F ]]; then cat > F …`, `[ -e F ] || echo x > F`, or `mv F.tmp F` in the
//   `else` of `if [[ -f F ]]`): nothing is replaced.
import { operands } from './command-args.js';
import type { SyntaxNode } from './bash-syntax.js';
import { writesNothing } from './generated-writes.js';
import { valueOf, type ShellCall, type ShellRedirect } from './shell-calls.js';

/** A file of its own in a folder made for one file per owner. */
export function inDropInFolder(path: string): boolean {
  return /(^|\/)([^/]+\.d|cron\.[^/]+)\/[^/*?]+$/.test(path) || /^\/etc\/systemd\/system\/[^/*?]+\.(service|timer|socket|path|mount|target)$/.test(path);
}

/** The paths the script appends or copies into: the files it fills itself. */
export function filledTargets(statements: readonly { calls: readonly ShellCall[]; redirects: readonly ShellRedirect[] }[]): string[] {
  const out: string[] = [];
  for (const statement of statements) {
    for (const r of statement.redirects) if (r.op === '>>' || r.op === '&>>') out.push(r.target);
    for (const call of statement.calls) {
      const name = call.name.split('/').pop();
      const words = operands(call.args);
      if ((name === 'cp' || name === 'install') && words.length >= 2) out.push(words.at(-1) ?? '');
      if (name === 'tee' && call.args.some((a) => a === '-a' || a === '--append')) out.push(...words);
    }
  }
  return out.filter((t) => t !== '');
}

/** History, not derived data: emptying it loses what happened. */
export function isLog(path: string): boolean {
  return /\.log(\.\d+)?$/.test(path) || /(^|\/)var\/log(\/|$)/.test(path);
}

/** Text tools whose whole output, fed a heredoc, is the script's own text. */
const FILTERS = new Set(['cat', 'sed', 'envsubst']);

/** The `>` redirections of calls that write a heredoc out whole (`cat > FILE <<EOF`). */
export function heredocWrites(calls: readonly ShellCall[]): Set<ShellRedirect> {
  const out = new Set<ShellRedirect>();
  for (const call of calls) {
    // `echo "fixed text" > FILE`: everything the file will hold is written in the script.
    if (/^(echo|printf)$/.test(call.name) && call.args.length > 0) {
      // `echo "" > FILE` empties it: nothing of the file is written in the script.
      if (writesNothing(call)) continue;
      for (const r of call.redirects) if (r.op === '>' || r.op === '>|') out.add(r);
      continue;
    }
    if (!FILTERS.has(call.name.split('/').pop() ?? '') || !call.redirects.some((r) => r.op.startsWith('<<') && r.op !== '<<<')) continue;
    // `cat FILE > OUT <<EOF` reads FILE, not only the heredoc.
    if (call.name.endsWith('cat') && operands(call.args).some((a) => a !== '-')) continue;
    for (const r of call.redirects) if (r.op === '>' || r.op === '>|') out.add(r);
  }
  return out;
}

/**
 * The targets of `>` writes under `root` made only where a test says the file is missing: the
 * `then` of `if [ ! -f F ]`, the `else` of `if [ -f F ]`, the right of `[ ! -f F ] &&` or
 * `[ -f F ] ||`. An `elif` is left out (its test adds to the ones before).
 */
export function writesWhereMissing(root: SyntaxNode, firstLine = 1): string[] {
  const out: string[] = [];
  const visit = (node: SyntaxNode): void => {
    if (node.type === 'if_statement') {
      const kids = node.children;
      const thenAt = kids.findIndex((c) => c.type === 'then');
      const condition = kids.slice(1, Math.max(thenAt, 1));
      for (const part of kids.slice(thenAt + 1)) {
        if (part.type === 'elif_clause') continue;
        out.push(...writesTo([part], tested(condition, part.type !== 'else_clause'), firstLine));
      }
    }
    if (node.type === 'list') {
      const [left, op, right] = node.children;
      if (left && op && right && (op.type === '&&' || op.type === '||')) {
        const files = tested([left], op.type === '&&');
        // The grammar hangs a redirect written after the right-hand command on the whole list.
        const trailing = node.parent?.type === 'redirected_statement' ? node.parent.children.filter((c) => c.type === 'file_redirect') : [];
        out.push(...writesTo([right, ...trailing], files, firstLine));
      }
    }
    for (const child of node.children) visit(child);
  };
  visit(root);
  return out;
}

/** The files `-f`/`-e`/`-s` tests in `nodes` say are missing (`missing`) or there (`!missing`). */
function tested(nodes: SyntaxNode[], missing: boolean): Set<string> {
  const out = new Set<string>();
  const visit = (node: SyntaxNode, negated: boolean): void => {
    const flips = node.type === 'negated_command' || (node.type === 'unary_expression' && node.children[0]?.type === '!');
    if (node.type === 'unary_expression' && /^-[efs]$/.test(node.children[0]?.text ?? '') && node.children[1]) {
      if (negated === missing) out.add(valueOf(node.children[1]));
      return;
    }
    for (const child of node.children) visit(child, flips ? !negated : negated);
  };
  for (const node of nodes) visit(node, false);
  return out;
}

function writesTo(nodes: SyntaxNode[], files: ReadonlySet<string>, firstLine: number): string[] {
  const out: string[] = [];
  const visit = (node: SyntaxNode): void => {
    if (node.type === 'file_redirect') {
      const op = node.children.find((c) => c.type === '>' || c.type === '>|');
      const target = node.children.at(-1);
      if (op && target && files.has(valueOf(target))) out.push(valueOf(target));
    }
    // `mv NEW FILE` / `cp NEW FILE` where FILE was just tested missing puts a file where none was.
    if (node.type === 'command' && /^(mv|cp)$/.test(node.childForFieldName('name')?.text ?? '')) {
      const dest = node.childrenForFieldName('argument').at(-1);
      // Keyed by its line too: the same path may be replaced elsewhere in the statement where it exists.
      if (dest && files.has(valueOf(dest))) out.push(`${firstLine + node.startPosition.row}:${valueOf(dest)}`);
    }
    for (const child of node.children) visit(child);
  };
  for (const node of nodes) visit(node);
  return out;
}
