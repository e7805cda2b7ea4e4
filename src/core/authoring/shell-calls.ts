// What one shell statement calls — command names, arguments, redirections, heredoc bodies,
// the variables it expands — read from the bash syntax tree (bash-syntax.ts), walking into
// pipelines, `&&`/`||` chains, subshells, groups, functions, `if`/`for`/`while`/`case`
// bodies, `$(…)`, backticks and process substitutions. The tree does the shell's quoting
// and nesting; this only turns its nodes into the values a rule compares (`'a b'` → `a b`).
import { readBash, readBashNow, type SyntaxNode } from './bash-syntax.js';

export interface ShellRedirect {
  /** `>`, `>>`, `>|`, `&>`, `&>>`, `<`, `<<`, `<<-`, `<<<`, `>&`, `<&`, `<>`. */
  op: string;
  /** The file descriptor written before the operator (`2>`), or null. */
  fd: string | null;
  /** The target word with quotes removed (for a heredoc, its delimiter). */
  target: string;
  line: number;
  /** A heredoc's body, or a here-string's word. */
  body: string | null;
}

export interface ShellCall {
  /** The command name with quotes removed (`rm`, `/usr/bin/psql`, `$TOOL`). */
  name: string;
  /** The arguments with quotes removed; expansions (`$DIR`, `$(…)`) stay as written. */
  args: string[];
  redirects: ShellRedirect[];
  /** Text fed on stdin: heredoc and here-string bodies, or what `cat`/`echo`/`printf` piped in. */
  stdin: string[];
  /** 1-based line of the command name. */
  line: number;
  /** 0 for the statement's own commands (also inside its if/for/while/case bodies), more inside `( )`, `$( )`, backticks. */
  depth: number;
  /** The name of the command whose output is piped into this one (`gunzip` in `gunzip -c f | mysql`). */
  stdinFrom?: string;
}

export interface StatementCalls {
  calls: ShellCall[];
  /** Every redirection, also those on compound commands (`done > out`). */
  redirects: ShellRedirect[];
  /** Variables and parameters it expands (`HOME`, `1`, `@`), in order of first use. */
  expands: string[];
  /** Variables it assigns as a whole statement (`A=1`, not `A=1 cmd`), in order. */
  assigns: string[];
  /** Functions it defines. */
  defines: string[];
  /** True when it is one simple command (assignments, a call, redirections; `$(…)` allowed). */
  simple: boolean;
  /** It has a pipeline (`a | b`) somewhere. */
  pipes: boolean;
}

interface PendingCall extends ShellCall {
  /** The call whose output is piped into this one. */
  pipedFrom: PendingCall | null;
}

const FEEDERS = new Set(['cat', 'echo', 'printf']);
const REDIRECTS = new Set(['file_redirect', 'heredoc_redirect', 'herestring_redirect']);
/** Commands that are one simple command when they stand alone. */
const SIMPLE = new Set(['command', 'declaration_command', 'unset_command', 'variable_assignment', 'variable_assignments']);
/** Tokens between statements that say nothing about the statement itself. */
const SEPARATORS = new Set(['comment', ';']);

/** Parses a piece of shell code given as a string (the argument of `sh -c`, an ssh command) and reads it. */
export function readCode(code: string, firstLine: number): Promise<StatementCalls> {
  return readBash(code, (root) => readStatement(root, firstLine));
}

/** readCode for callers that cannot wait: the bash grammar must be loaded (loadBashGrammar). */
export function readCodeNow(code: string, firstLine: number): StatementCalls {
  return readBashNow(code, (root) => readStatement(root, firstLine));
}

/** Reads the statement(s) under `root`, whose first row is line `firstLine` of the script. */
export function readStatement(root: SyntaxNode, firstLine: number): StatementCalls {
  const reader = new Reader(root.text, firstLine);
  reader.visit(root, 0, false);
  const top = topLevel(root);
  const only = top.length === 1 ? top[0] : undefined;
  return {
    ...reader.result(),
    assigns: only?.type === 'variable_assignment' ? [assignedName(only)] : only?.type === 'variable_assignments' ? only.children.filter((c) => c.type === 'variable_assignment').map(assignedName) : [],
    simple: only !== undefined && isSimple(only),
  };
}

/** Where the statement under `root` ends: after its last heredoc body, before its trailing `;` and comments. */
export function statementEnd(root: SyntaxNode): number {
  return Math.max(0, ...topLevel(root).map((n) => n.endIndex));
}

function topLevel(root: SyntaxNode): SyntaxNode[] {
  return root.children.filter((c) => !SEPARATORS.has(c.type));
}

function isSimple(node: SyntaxNode): boolean {
  if (SIMPLE.has(node.type)) return true;
  if (node.type === 'test_command') return node.children[0]?.type === '[';
  if (node.type !== 'redirected_statement') return false;
  const body = node.childForFieldName('body');
  // The grammar hangs what follows a heredoc's `<<EOF` on its line (`| psql`, `&& next`) under the heredoc.
  const continued = node.children.some((c) => c.type === 'heredoc_redirect' && c.children.some((h) => h.type === 'pipeline' || h.type === 'list' || h.type === '&&' || h.type === '||'));
  return body !== null && isSimple(body) && !continued;
}

function assignedName(assignment: SyntaxNode): string {
  const name = assignment.childForFieldName('name');
  return (name?.type === 'subscript' ? name.childForFieldName('name') : name)?.text ?? '';
}

class Reader {
  private readonly calls: PendingCall[] = [];
  private readonly redirects: ShellRedirect[] = [];
  private readonly expands = new Set<string>();
  private readonly defines: string[] = [];
  private pipes = false;

  constructor(
    private readonly source: string,
    private readonly firstLine: number,
  ) {}

  result(): Omit<StatementCalls, 'assigns' | 'simple'> {
    const calls = this.calls.map(({ pipedFrom, ...call }) => ({ ...call, stdin: [...bodiesOf(call), ...fedBy(pipedFrom)], ...(pipedFrom ? { stdinFrom: pipedFrom.name } : {}) }));
    return { calls, redirects: this.redirects, expands: [...this.expands], defines: this.defines, pipes: this.pipes };
  }

  /**
   * Finds the calls, redirections and expansions in `node`; returns the call when the node
   * is one command, so a pipeline can tell it what was piped in. `arithmetic` is true inside
   * `$((…))`, where a bare name is a variable read.
   */
  visit(node: SyntaxNode, depth: number, arithmetic: boolean): PendingCall | null {
    switch (node.type) {
      case 'command':
      case 'declaration_command':
      case 'unset_command':
        return this.command(node, depth);
      case 'redirected_statement':
        return this.redirected(node, depth);
      case 'pipeline':
        this.pipeline(node.children, depth, null);
        return null;
      case 'function_definition': {
        const name = node.childForFieldName('name');
        if (name) this.defines.push(valueOf(name));
        this.visitChildren(node, depth, false, name);
        return null;
      }
      case 'command_substitution':
        // The grammar reads `$(($n - 1))` inside `for ((…))` as `$( ($n - 1) )`, a subshell
        // running `$n`; bash reads `$((` closed by `))` as arithmetic, so only its variables count.
        if (/^\$\(\([^]*\)\)$/.test(node.text)) {
          this.arithmeticReads(node);
          return null;
        }
        this.visitChildren(node, depth + 1, false);
        return null;
      case 'subshell':
      case 'process_substitution':
        this.visitChildren(node, depth + 1, false);
        return null;
      case 'simple_expansion':
      case 'expansion':
        this.expansion(node);
        this.visitChildren(node, depth, false);
        return null;
      case 'arithmetic_expansion':
        this.visitChildren(node, depth, true);
        return null;

      case 'variable_name':
        if (arithmetic) this.expands.add(node.text);
        return null;
      default:
        if (REDIRECTS.has(node.type)) this.redirect(node, null, depth);
        else this.visitChildren(node, depth, arithmetic);
        return null;
    }
  }

  /** The variables an arithmetic text the grammar misread as commands reads, and nothing it would run. */
  private arithmeticReads(node: SyntaxNode): void {
    for (const child of node.children) {
      if (child.type === 'simple_expansion' || child.type === 'expansion') this.expansion(child);
      else if (child.type === 'variable_name') this.expands.add(child.text);
      this.arithmeticReads(child);
    }
  }

  private visitChildren(node: SyntaxNode, depth: number, arithmetic: boolean, skip: SyntaxNode | null = null): void {
    for (const child of node.children) {
      if (child.id !== skip?.id) this.visit(child, depth, arithmetic);
    }
  }

  /** `cmd args…`, and `export`/`local`/`declare`/`unset …`, which the grammar reads apart. */
  private command(node: SyntaxNode, depth: number): PendingCall | null {
    const children = node.children;
    const nameNode = node.type === 'command' ? node.childForFieldName('name') : (children[0] ?? null);
    let call: PendingCall | null = null;
    // `"$n" =~ ^[0-9]+$ … ]]` read as a command: the grammar lost the `[[` it belongs to
    // (it does after some quoted `)`s earlier in the statement). A regex match is never a command.
    const mislexedTest = children.some((c) => c.type === '=~' || c.type === 'regex');
    if (nameNode && !mislexedTest) {
      const args = node.type === 'command' ? node.childrenForFieldName('argument') : children.slice(1).filter((c) => c.type !== 'comment');
      call = { name: valueOf(nameNode), args: shellWords(args), redirects: [], stdin: [], line: this.line(nameNode), depth, pipedFrom: null };
      this.calls.push(call);
    }
    for (const child of children) {
      if (REDIRECTS.has(child.type)) this.redirect(child, call, depth);
      else this.visit(child, depth, false);
    }
    return call;
  }

  private redirected(node: SyntaxNode, depth: number): PendingCall | null {
    const body = node.childForFieldName('body');
    const before = this.calls.length;
    let call = body ? this.visit(body, depth, false) : null;
    // The grammar reads `a && b < dump | mysql` as `(a && b) < dump | mysql`; bash gives the
    // redirect, and the pipe, to `b`, the list's last command.
    if (body?.type === 'list') call = this.calls.slice(before).filter((c) => c.depth === depth).pop() ?? null;
    for (const child of node.children) {
      if (child.id === body?.id) continue;
      if (REDIRECTS.has(child.type)) this.redirect(child, call, depth);
      else this.visit(child, depth, false);
    }
    return call;
  }

  /** `a | b | c`; `feeder` is the call piped into the first element. Returns the last element's call. */
  private pipeline(elements: SyntaxNode[], depth: number, feeder: PendingCall | null): PendingCall | null {
    this.pipes = true;
    let previous = feeder;
    for (const element of elements) {
      if (!element.isNamed || element.type === 'comment') continue;
      if (element.type === 'pipeline') {
        previous = this.pipeline(element.children, depth, previous);
        continue;
      }
      const before = this.calls.length;
      const call = this.visit(element, depth, false);
      if (call) call.pipedFrom = previous;
      // `( crontab -l | grep -v x ) | crontab -`, `{ wget -qO- URL || curl -fsSL URL; } | tar xz`:
      // what a subshell or group pipes on is what its last command prints.
      previous = call ?? (/^(subshell|compound_statement)$/.test(element.type) ? (this.calls.at(-1) ?? null) : null);
      if (previous !== null && this.calls.indexOf(previous) < before) previous = null;
    }
    return previous;
  }

  private redirect(node: SyntaxNode, owner: PendingCall | null, depth: number): void {
    const children = node.children;
    const fd = node.childForFieldName('descriptor')?.text ?? null;
    const op = children.find((c) => !c.isNamed)?.text ?? '>';
    const redirect: ShellRedirect = { op, fd, target: '', line: this.line(node), body: null };
    owner?.redirects.push(redirect);
    this.redirects.push(redirect);
    if (node.type === 'heredoc_redirect') {
      redirect.target = (children.find((c) => c.type === 'heredoc_start')?.text ?? '').replace(/['"\\]/g, '');
      redirect.body = this.heredocBody(node, op === '<<-');
      for (const child of children) {
        if (child.type === 'pipeline') this.pipeline(child.children, depth, owner);
        else if (REDIRECTS.has(child.type)) this.redirect(child, owner, depth);
        else this.visit(child, depth, false);
      }
      return;
    }
    const word = node.type === 'herestring_redirect' ? children.find((c) => c.isNamed && c.type !== 'file_descriptor') : node.childForFieldName('destination');
    if (!word) return;
    redirect.target = valueOf(word);
    if (node.type === 'herestring_redirect') redirect.body = redirect.target;
    this.visit(word, depth, false);
  }

  /**
   * The heredoc's lines between its `<<WORD` line and its closing line (to the end of the
   * text when it has none, as bash reads it), tabs stripped for `<<-`.
   */
  private heredocBody(node: SyntaxNode, stripTabs: boolean): string {
    const children = node.children;
    const body = children.find((c) => c.type === 'heredoc_body');
    if (!body) return '';
    const end = children.find((c) => c.type === 'heredoc_end');
    const lineStart = (index: number) => this.source.lastIndexOf('\n', index - 1) + 1;
    const text = this.source.slice(lineStart(body.startIndex), end && !end.isMissing ? lineStart(end.startIndex) : this.source.length);
    return stripTabs ? text.replace(/^\t+/gm, '') : text;
  }

  /** `$NAME`, `$1`, `$@`, `${NAME…}`, `${#NAME}`, `${NAME[i]}`: the parameter it reads. */
  private expansion(node: SyntaxNode): void {
    for (const child of node.children) {
      if (child.type === 'variable_name' || child.type === 'special_variable_name') {
        this.expands.add(child.text);
        return;
      }
      if (child.type === 'subscript') {
        const name = child.childForFieldName('name');
        if (name) this.expands.add(name.text);
        return;
      }
    }
  }

  private line(node: SyntaxNode): number {
    return this.firstLine + node.startPosition.row;
  }
}

/** A word as the command receives it: quotes removed, escapes resolved, expansions as written. */
export function valueOf(node: SyntaxNode): string {
  switch (node.type) {
    case 'word':
      return node.text.replace(/\\(\n|.)/g, (_, c: string) => (c === '\n' ? '' : c));
    case 'raw_string':
      return node.text.slice(1, -1);
    case 'ansi_c_string':
      return node.text.slice(2, -1);
    case 'string':
    case 'translated_string':
    {
      // The grammar leaves some characters (a newline after a command in `"echo a
      // rm -rf x"`) between its children, in no child: keep the gaps, or two lines read as one.
      let out = '';
      let at = node.startIndex;
      const ascii = /^\p{ASCII}*$/u.test(node.text);
      for (const c of node.children) {
        // Indices count bytes: only plain-ASCII text slices the same by characters.
        const gap = ascii ? node.text.slice(at - node.startIndex, c.startIndex - node.startIndex) : '';
        at = c.endIndex;
        if (c.type === '"' || c.type === '$"') continue;
        out += gap + (c.type === 'string_content' ? c.text.replace(/\\([$`"\\\n])/g, (_, e: string) => (e === '\n' ? '' : e)) : c.text);
      }
      return out;
    }
    case 'command_name':
    case 'concatenation':
    case 'variable_assignment':
      return node.children.map(valueOf).join('');
    default:
      return node.text;
  }
}

/**
 * The values of a command's arguments, one per shell word. The grammar splits some unquoted words
 * in two (`$DIR/mail.$domain.crt` reads as `$DIR/mail.$` then `domain.crt`): nodes with no blank
 * between them are one word to the shell, so they are joined back, or one path reads as two.
 */
function shellWords(nodes: SyntaxNode[]): string[] {
  const words: string[] = [];
  let end = -1;
  for (const n of nodes) {
    if (n.startIndex === end && words.length > 0) words[words.length - 1] += valueOf(n);
    else words.push(valueOf(n));
    end = n.endIndex;
  }
  return words;
}

/** What a `cat <<EOF`, `echo …` or `printf …` at the head of a pipe feeds the next command. */
function fedBy(feeder: PendingCall | null): string[] {
  if (!feeder) return [];
  const name = feeder.name.split('/').pop() ?? '';
  if (!FEEDERS.has(name)) return [];
  const own = bodiesOf(feeder);
  return name === 'cat' ? own : [...own, feeder.args.filter((a) => !/^-[a-z]+$/.test(a)).join(' ')];
}

/** Heredoc and here-string bodies a call reads on stdin. */
function bodiesOf(call: ShellCall): string[] {
  return call.redirects.filter((r) => r.body !== null && r.op.startsWith('<<')).map((r) => r.body ?? '');
}

/** The call as a person would type it (quotes put back where a word needs them), cut to a readable length. */
export function shownCall(call: ShellCall): string {
  const words = [call.name, ...call.args].map((w) => (w === '' || /[\s'"]/.test(w) ? `"${w.replace(/"/g, '\\"')}"` : w));
  const text = words.join(' ').replace(/\s+/g, ' ').replace(/`/g, "'");
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}
