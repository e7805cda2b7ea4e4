// Where each `{{ name }}` of a sh step stands, read with the bash grammar, and the variable
// reference that is safe there. A value never becomes script text: the script gets a
// reference ("$HR_IN_name" as a word, ${HR_IN_name} inside double quotes or an unquoted
// heredoc) and the value travels beside it, as an environment variable. A reference expands
// to exactly the value in those places (no second parse, no globbing, no word splitting).
// Where no reference is safe — single quotes, $'…', arithmetic, backticks, a command name,
// text another program runs as code — the placeholder is refused, and so is anything this
// file cannot place (it fails closed).
import { loadBashGrammar, readBashNow, type SyntaxNode } from '../authoring/bash-syntax.js';
import type { SqlValue } from './ports.js';

const PLACEHOLDER = /\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}/g;

/** How the shell reads the text around a placeholder. */
export type ShellContext = 'word' | 'double-quoted' | 'heredoc' | 'comment';

export interface PlacedInput {
  name: string;
  offset: number;
  length: number;
  context: ShellContext;
}

export interface RefusedInput {
  name: string;
  offset: number;
  /** Completes "input 'name' is …". */
  where: string;
  fix: string;
}

export interface ShellInputs {
  placed: PlacedInput[];
  refused: RefusedInput[];
}

/** The grammar must be loaded before readShellInputs (and so the validator) can run. */
export const loadShellGrammar = loadBashGrammar;

/** The environment variable that carries input `name` into a step. */
export function inputVariable(name: string): string {
  return `HR_IN_${name}`;
}

const OUTSIDE_QUOTES = (name: string) => `write {{ ${name} }} outside the quotes, e.g. 'abc'"{{ ${name} }}"'def'`;
const AS_VARIABLE = (name: string) => `assign it first, e.g. v={{ ${name} }}, and use "$v" there`;

/** Commands that run one of their arguments as code: a value in that argument would be parsed. */
const EVALUATES = new Set(['eval', 'let', 'trap', 'ssh', 'alias', 'watch']);
/** Programs whose argument after the flag is a program text (`sh -c TEXT`, `perl -e TEXT`). */
const CODE_FLAG: Record<string, RegExp> = {
  sh: /^-[a-zA-Z]*c[a-zA-Z]*$/,
  bash: /^-[a-zA-Z]*c[a-zA-Z]*$/,
  dash: /^-[a-zA-Z]*c[a-zA-Z]*$/,
  zsh: /^-[a-zA-Z]*c[a-zA-Z]*$/,
  ksh: /^-[a-zA-Z]*c[a-zA-Z]*$/,
  ash: /^-[a-zA-Z]*c[a-zA-Z]*$/,
  busybox: /^-[a-zA-Z]*c[a-zA-Z]*$/,
  su: /^-[a-zA-Z]*c[a-zA-Z]*$/,
  python: /^-c$/,
  python3: /^-c$/,
  perl: /^-[a-zA-Z]*e$/,
  ruby: /^-e$/,
  node: /^(-e|--eval|-p|--print)$/,
  flock: /^(-c|--command)$/,
  script: /^(-c|--command)$/,
  runuser: /^(-c|--command)$/,
  // SQL is code too: a sql step binds inputs as parameters instead.
  psql: /^(-c|--command)$/,
  mysql: /^(-e|--execute)$/,
};
const SQL_CLIENTS = new Set(['psql', 'mysql']);
/** `[[ a -eq b ]]` evaluates both sides as arithmetic in bash, which runs `x[$(cmd)]`. */
const ARITHMETIC_TESTS = new Set(['-eq', '-ne', '-lt', '-le', '-gt', '-ge']);
/** Where a plain word may hold a quoted reference and mean the same. */
const WORD_PARENTS = new Set([
  'command',
  'concatenation',
  'variable_assignment',
  'file_redirect',
  'herestring_redirect',
  'for_statement',
  'case_statement',
  'case_item',
  'binary_expression',
  'unary_expression',
  'array',
]);

/** Reads where each placeholder of `code` stands. Needs loadShellGrammar() to have finished. */
export function readShellInputs(code: string): ShellInputs {
  const found = [...code.matchAll(PLACEHOLDER)].map((m) => ({ name: m[1] ?? '', offset: m.index, length: m[0].length }));
  if (found.length === 0) return { placed: [], refused: [] };
  // Same length, so offsets stay; letters only, so the marker is one plain word wherever it
  // stands and the tree shows the context the placeholder has, not one it makes.
  let marked = '';
  let at = 0;
  for (const p of found) {
    marked += code.slice(at, p.offset) + 'Q'.repeat(p.length);
    at = p.offset + p.length;
  }
  marked += code.slice(at);
  return readBashNow(marked, (root) => {
    const result: ShellInputs = { placed: [], refused: [] };
    for (const p of found) {
      const verdict = classify(root, p.offset, p.offset + p.length, p.name);
      if ('context' in verdict) result.placed.push({ ...p, context: verdict.context });
      else result.refused.push({ name: p.name, offset: p.offset, ...verdict });
    }
    return result;
  });
}

type Verdict = { context: ShellContext } | { where: string; fix: string };

function classify(root: SyntaxNode, start: number, end: number, name: string): Verdict {
  const path: SyntaxNode[] = [root];
  for (let node = root; ; ) {
    const child = node.children.find((c) => c.startIndex <= start && c.endIndex >= end);
    if (!child) {
      if (node.children.some((c) => c.startIndex < end && c.endIndex > start)) {
        return { where: 'split across two shell words', fix: `put {{ ${name} }} where it stands alone as (part of) one word` };
      }
      break;
    }
    path.push(child);
    node = child;
  }
  const leaf = path[path.length - 1] as SyntaxNode;
  let context: ShellContext | undefined;
  if (leaf.type === 'string' || leaf.type === 'string_content') context = 'double-quoted';
  else if (leaf.type === 'heredoc_body' || leaf.type === 'heredoc_content') context = 'heredoc';
  else if (leaf.type === 'comment') context = 'comment';
  else if (leaf.type === 'word' || leaf.type === 'regex') {
    let parent = path.length - 2;
    while ((path[parent]?.type ?? '') === 'concatenation') parent--;
    // A variable's name is a variable_name, not a word, so it never gets here.
    if (WORD_PARENTS.has(path[parent]?.type ?? '')) context = 'word';
  }

  for (let i = path.length - 1; i >= 0; i--) {
    const node = path[i] as SyntaxNode;
    const below = path[i + 1];
    const refusal = refuseAt(node, below, path.slice(i + 1), name);
    if (refusal) return refusal;
  }
  return context ? { context } : { where: 'in a place Handrail cannot classify safely', fix: `use it as a plain argument or inside double quotes, or ${AS_VARIABLE(name)}` };
}

function refuseAt(node: SyntaxNode, below: SyntaxNode | undefined, inner: SyntaxNode[], name: string): { where: string; fix: string } | undefined {
  switch (node.type) {
    case 'ERROR':
      return { where: 'in shell text that does not parse', fix: 'fix the shell syntax around it' };
    case 'raw_string':
      return { where: 'inside single quotes, where no value is safe', fix: OUTSIDE_QUOTES(name) };
    case 'ansi_c_string':
      return { where: "inside $'…', where no value is safe", fix: `write {{ ${name} }} outside it, in double quotes` };
    case 'translated_string':
      return { where: 'inside $"…"', fix: `use plain double quotes: "{{ ${name} }}"` };
    case 'expansion':
    case 'simple_expansion':
      return { where: 'inside a parameter expansion (${…} or $name), which would read it as shell syntax', fix: AS_VARIABLE(name) };
    case 'arithmetic_expansion':
    case 'c_style_for_statement':
    case 'subscript':
      return { where: 'inside arithmetic, which evaluates it as an expression (and runs $(…) hidden in an array index)', fix: `declare it type: number and ${AS_VARIABLE(name)}` };
    case 'compound_statement':
      if (node.text.startsWith('((')) {
        return { where: 'inside (( … )) arithmetic, which evaluates it as an expression', fix: `declare it type: number and ${AS_VARIABLE(name)}` };
      }
      return undefined;
    case 'command_substitution':
      if (node.text.startsWith('`')) return { where: 'inside backticks, which parse it again', fix: `write $( … ) instead of backticks` };
      return undefined;
    case 'command_name':
      return { where: 'the command name, so its value would choose what runs', fix: `use a fixed command, e.g. case "{{ ${name} }}" in … esac` };
    case 'heredoc_redirect': {
      const start = node.children.find((c) => c.type === 'heredoc_start');
      if (below?.type !== 'heredoc_body') return undefined;
      if (start && /['"\\]/.test(start.text)) {
        return { where: `in a heredoc with a quoted delimiter (${start.text}), where it would stay literal text`, fix: 'unquote the delimiter (<<EOF), or pass the value another way' };
      }
      return feedsCode(node, name);
    }
    case 'test_command':
      if (node.text.startsWith('[[') && inner.some((n) => n.type === 'binary_expression' && n.children.some((c) => ARITHMETIC_TESTS.has(c.text)))) {
        return { where: 'compared with -eq/-lt/… inside [[ ]], which evaluates it as arithmetic', fix: `use [ … ] (single brackets), which only compares integers` };
      }
      return undefined;
    case 'declaration_command':
      if (below?.type !== 'variable_assignment') {
        return { where: 'a name given to export/declare/local/readonly, so its value would choose the variable', fix: 'use it as the value: export NAME={{ ' + name + ' }}' };
      }
      if (node.children.some((c) => /^-[a-zA-Z]*i/.test(c.text))) {
        return { where: 'assigned to an integer variable (declare -i), which evaluates it as arithmetic', fix: `drop -i, or declare the input type: number` };
      }
      return undefined;
    case 'unset_command':
      return { where: 'a name given to unset', fix: 'unset fixed names only' };
    case 'function_definition':
      if (below?.type === 'word') return { where: 'the name of a function', fix: 'use a fixed name' };
      return undefined;
    case 'command':
      return runsAsCode(node, below, name);
    default:
      return undefined;
  }
}

/** A placeholder in the text another program parses as code (eval, `sh -c TEXT`, ssh's command). */
function runsAsCode(command: SyntaxNode, below: SyntaxNode | undefined, name: string): { where: string; fix: string } | undefined {
  const words = command.children.filter((c) => c.type !== 'variable_assignment' && c.type !== 'file_redirect' && c.type !== 'herestring_redirect');
  const program = (w: SyntaxNode | undefined) => (w?.text ?? '').replace(/^.*\//, '');
  const first = program(words[0]);
  if (EVALUATES.has(first)) {
    return { where: `given to ${first}, which runs its text as code`, fix: `pass the value as data: ${first === 'ssh' ? 'send it on stdin or as a fixed, validated word' : `use "{{ ${name} }}" in a command of its own`}` };
  }
  for (let i = 0; i < words.length; i++) {
    const flag = CODE_FLAG[program(words[i])];
    if (!flag) continue;
    for (let j = i + 1; j < words.length - 1; j++) {
      if (flag.test(words[j]?.text ?? '') && words[j + 1]?.id === below?.id) {
        return {
          where: `in the program text of ${program(words[i])} ${words[j]?.text}, which parses it as code`,
          fix: SQL_CLIENTS.has(program(words[i]))
            ? `use a sql step, which binds {{ ${name} }} as the parameter :${name}`
            : `pass it as an argument instead: ${program(words[i])} ${words[j]?.text} '… "$1" …' _ "{{ ${name} }}"`,
        };
      }
    }
  }
  return undefined;
}

/** A heredoc read by a shell or an interpreter (`sh <<EOF`, `ssh host <<EOF`) is code for it. */
function feedsCode(heredoc: SyntaxNode, name: string): { where: string; fix: string } | undefined {
  // The heredoc_redirect is not the command's child: both sit in a redirected_statement.
  const statement = heredoc.parent;
  const command = statement?.children.find((c) => c.type === 'command');
  const program = (command?.childForFieldName('name')?.text ?? '').replace(/^.*\//, '');
  if (!EVALUATES.has(program) && !(program in CODE_FLAG)) return undefined;
  return { where: `in a heredoc that ${program} reads as code`, fix: `pass the value as an argument or environment variable instead: ${program} … "{{ ${name} }}"` };
}

export type PreparedShell = { ok: true; script: string; env: Record<string, string> } | { ok: false; refused: RefusedInput[] };

/** The script the shell gets (references only) and the variables that carry the values. */
export function prepareShell(code: string, values: Record<string, SqlValue>): PreparedShell {
  const inputs = readShellInputs(code);
  if (inputs.refused.length > 0) return { ok: false, refused: inputs.refused };
  const env: Record<string, string> = {};
  for (const p of inputs.placed) {
    const value = String(values[p.name] ?? '');
    if (value.includes('\0')) throw new Error(`input '${p.name}' contains a NUL byte, which no shell can hold; nothing was run`);
    env[inputVariable(p.name)] = value;
  }
  return { ok: true, script: splice(code, inputs.placed, (p) => reference(p)), env };
}

function reference(p: PlacedInput): string {
  const variable = inputVariable(p.name);
  return p.context === 'word' ? `"$${variable}"` : `\${${variable}}`;
}

/**
 * The script as the operator reads it before it runs: each placeholder shown as its value,
 * written the way it would have to be written there to mean exactly that value, and a secret
 * as [secret: name] (never its value or a quoted form of it).
 */
export function previewShell(code: string, values: Record<string, SqlValue>, isSecret: (name: string) => boolean): string {
  const inputs = readShellInputs(code);
  return splice(code, inputs.placed, (p) => {
    if (isSecret(p.name)) return `[secret: ${p.name}]`;
    const value = String(values[p.name] ?? '');
    switch (p.context) {
      case 'double-quoted':
        return value.replace(/[\\$`"]/g, '\\$&');
      case 'heredoc':
        return value.replace(/[\\$`]/g, '\\$&');
      default:
        return shellWord(value);
    }
  });
}

/** One shell word for reading: bare when nothing in it is special, else single-quoted. */
function shellWord(value: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

function splice(code: string, placed: PlacedInput[], replace: (p: PlacedInput) => string): string {
  let out = '';
  let at = 0;
  for (const p of placed) {
    out += code.slice(at, p.offset) + replace(p);
    at = p.offset + p.length;
  }
  return out + code.slice(at);
}
