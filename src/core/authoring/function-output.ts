// What a shell function prints when all it prints is a program's name: `NGINX=$(nginx_location)`
// where the function sets a local from `command -v nginx` or a fixed path and echoes it, or
// only calls another such function. `$NGINX -t` then runs one of those programs, which an
// operator reading the helper can tell, so the command is judged as that program instead of
// "cannot tell what runs". Anything else in the body that could print leaves it unknown.
import { readBashNow, type SyntaxNode } from './bash-syntax.js';
import { valueOf } from './shell-calls.js';

const EXPANSION = /[$`]/;
/** Helpers whose names say they report to the person (and stop), not print a value. */
const REPORTS = /(^|[_-])(log|fail|warn|warning|error|die|abort)([_-]|$)/i;

/**
 * The texts the function defined in `definition` can print (none when it prints nothing), or
 * null when it may print something else. `lookedUp` reads `$(command -v X)`/`$(which X)`; `definitionOf` finds
 * another function's text, for a function that only calls another.
 */
export function functionPrints(
  definition: string,
  lookedUp: (value: string) => string[] | null,
  definitionOf: (name: string) => string | undefined,
  depth = 0,
): string[] | null {
  if (depth > 3) return null;
  return readBashNow(definition, (root) => {
    const fn = root.children.find((c) => c.type === 'function_definition');
    const body = fn?.childForFieldName('body');
    if (!body) return null;
    const values = new Map<string, string[] | null>();
    const printed: string[] = [];
    const valuesOf = (value: string): string[] | null => (EXPANSION.test(value) ? lookedUp(value) : [value]);
    const assign = (node: SyntaxNode): void => {
      const name = node.childForFieldName('name')?.text ?? '';
      const value = node.childForFieldName('value');
      const known = value ? valuesOf(valueOf(value)) : [''];
      const before = values.get(name);
      values.set(name, before === null || known === null ? null : [...(before ?? []), ...known]);
    };
    const statement = (node: SyntaxNode): boolean => {
      switch (node.type) {
        case 'comment':
        case 'test_command':
        case 'then':
        case 'else':
        case 'fi':
        case 'if':
        case 'elif':
        case ';':
        case '{':
        case '}':
        case '!':
          return true;
        case 'variable_assignment':
          assign(node);
          return true;
        case 'declaration_command':
          for (const child of node.children) if (child.type === 'variable_assignment') assign(child);
          return true;
        case 'compound_statement':
        case 'if_statement':
        case 'elif_clause':
        case 'else_clause':
        case 'list':
          return node.children.every(statement);
        case 'redirected_statement': {
          // Output sent to /dev/null or stderr is not what the caller captures.
          const sent = node.children.filter((c) => c.type === 'file_redirect').every((r) => /^(\d?>|&>)\s*(\/dev\/null|&2)$/.test(r.text.replace(/\s+/g, ' ').trim()) || /^\d?>&2$/.test(r.text.trim()));
          const inner = node.childForFieldName('body');
          return sent ? true : inner !== null && statement(inner);
        }
        case 'command':
          return command(node);
        default:
          return false;
      }
    };
    const command = (node: SyntaxNode): boolean => {
      const name = node.childForFieldName('name')?.text ?? '';
      const args = node.childrenForFieldName('argument').map(valueOf);
      if (name === 'echo') {
        const words = args.filter((a) => !/^-[neE]+$/.test(a));
        if (words.length !== 1) return false;
        const word = words[0] ?? '';
        const variable = /^\$(?:\{([A-Za-z_]\w*)\}|([A-Za-z_]\w*))$/.exec(word);
        const texts = variable ? values.get(variable[1] ?? variable[2] ?? '') : EXPANSION.test(word) ? null : [word];
        if (!texts) return false;
        printed.push(...texts);
        return true;
      }
      if (/^(return|exit|true|:)$/.test(name) || REPORTS.test(name)) return true;
      const other = args.length === 0 ? definitionOf(name) : undefined;
      const inner = other === undefined ? null : functionPrints(other, lookedUp, definitionOf, depth + 1);
      if (!inner) return false;
      printed.push(...inner);
      return true;
    };
    return statement(body) ? [...new Set(printed.filter((t) => t !== ''))] : null;
  });
}

/**
 * Whether all the function prints is a name it made fresh: `tmp=$(mktemp)`, a download into
 * it, then `echo "$tmp"` (or a bare `mktemp -d` it ends with). Such a helper hands back its own temporary file, so the caller's
 * `rm -f "$f"` on `f=$(fetch …)` deletes nothing from before the run. Other commands in the
 * body are taken to print nothing to the caller (a download writes to its `-o` file), but
 * every echo/printf must hand back a variable whose only values in the function are fresh.
 */
export function functionPrintsFreshName(definition: string, fresh: (value: string) => boolean): boolean {
  return readBashNow(definition, (root) => {
    const fn = root.children.find((c) => c.type === 'function_definition');
    const body = fn?.childForFieldName('body');
    if (!body) return false;
    const values = new Map<string, string[]>();
    const handed: string[] = [];
    let other = false;
    let madeAndPrinted = false;
    const walk = (node: SyntaxNode): void => {
      if (node.type === 'command_substitution' || node.type === 'process_substitution' || node.type === 'function_definition') return;
      if (node.type === 'redirected_statement') {
        // Output sent to a file or stderr is not what the caller captures.
        const away = node.children.some((r) => r.type === 'file_redirect' && /^(1?>>?|&>>?)/.test(r.text.trim()) && !/^\d?>&1$/.test(r.text.trim()));
        if (away) return;
      }
      if (node.type === 'variable_assignment') {
        const name = node.childForFieldName('name')?.text ?? '';
        const value = node.childForFieldName('value');
        if (value) values.set(name, [...(values.get(name) ?? []), valueOf(value)]);
      }
      if (node.type === 'command') {
        const name = node.childForFieldName('name')?.text ?? '';
        // A bare `mktemp -d …` as the body's output prints the name it just made.
        if (name === 'mktemp') madeAndPrinted = true;
        if (name === 'echo' || name === 'printf') {
          const words = node.childrenForFieldName('argument').map(valueOf).filter((a) => !/^-[neE]+$/.test(a) && a !== '%s' && a !== '%s\\n');
          const variable = words.length === 1 ? /^\$(?:\{([A-Za-z_]\w*)\}|([A-Za-z_]\w*))$/.exec(words[0] ?? '') : null;
          if (variable) handed.push(variable[1] ?? variable[2] ?? '');
          else other = true;
        }
      }
      for (const child of node.children) walk(child);
    };
    walk(body);
    if (other || (handed.length === 0 && !madeAndPrinted)) return false;
    return handed.every((name) => {
      const seen = values.get(name) ?? [];
      return seen.length > 0 && seen.every((v) => fresh(v.trim()));
    });
  });
}
