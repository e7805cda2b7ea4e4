// What a statement says plainly, read from its syntax tree: the variables it sets (with the
// value as written) and the files it tests for. The script's knowledge (script-knowledge.ts)
// is built from these, one statement at a time.
import type { SyntaxNode } from './bash-syntax.js';
import { elementName, keyedElements, subscriptElement } from './array-elements.js';
import { valueOf } from './shell-calls.js';

export interface Assignment {
  name: string;
  /** The value as written (quotes removed, expansions kept), or null when it is not one word (`+=`, an array, `read`, a loop). */
  value: string | null;
  /** Set with `local` (or `declare` in a function): the function's own, gone when it returns. */
  local?: boolean;
}

/** The files `[ -f FILE ]`, `[[ -e FILE ]]`, … under `root` test for (quotes removed). */
export function testedFilesIn(root: SyntaxNode): string[] {
  const out: string[] = [];
  const visit = (node: SyntaxNode): void => {
    if (node.type === 'unary_expression') {
      const [op, operand] = node.children;
      if (op && operand && /^-[efxrs]$/.test(op.text)) out.push(valueOf(operand));
    }
    for (const child of node.children) visit(child);
  };
  visit(root);
  return out;
}

function insideFunction(node: SyntaxNode): boolean {
  for (let at: SyntaxNode | null = node.parent; at; at = at.parent) if (at.type === 'function_definition') return true;
  return false;
}

/**
 * `CMD=(php /var/www/html/occ)`: the words, joined as a command line is, so `"${CMD[@]}" …` runs
 * them; null when an element holds a blank (it would not split back the same) or is empty.
 */
function arrayWords(array: SyntaxNode): string | null {
  const words = array.children.filter((c) => c.isNamed && c.type !== 'comment').map(valueOf);
  return words.length > 0 && words.every((w) => w !== '' && !/\s/.test(w)) ? words.join(' ') : null;
}

/** The plain assignments under `root` (`A=1`, `export A=1`, `local a=$(mktemp)`), not `A=1 cmd`, and the names `for` and `read` set. */
export function assignmentsIn(root: SyntaxNode): Assignment[] {
  const out: Assignment[] = [];
  const visit = (node: SyntaxNode): void => {
    if (node.type === 'variable_assignment' && node.parent?.type !== 'command') {
      const name = node.childForFieldName('name');
      const value = node.childForFieldName('value');
      if (name?.type === 'variable_name') {
        const appends = node.children.some((c) => c.type === '+=');
        const declaration = node.parent?.type === 'declaration_command' ? node.parent : null;
        const keyword = declaration?.children[0]?.text;
        const local = keyword === 'local' || ((keyword === 'declare' || keyword === 'typeset') && insideFunction(node));
        const keyed = value?.type === 'array' ? keyedElements(value) : [];
        out.push({ name: name.text, value: appends || keyed.length > 0 ? null : value?.type === 'array' ? arrayWords(value) : value ? valueOf(value) : '', ...(local ? { local } : {}) });
        for (const element of keyed) out.push({ name: elementName(name.text, element.key), value: element.value, ...(local ? { local } : {}) });
      }
      const element = name?.type === 'subscript' ? subscriptElement(name) : undefined;
      if (element !== undefined) out.push({ name: element, value: value && value.type !== 'array' ? valueOf(value) : null });
    }
    if (node.type === 'for_statement') {
      const variable = node.childForFieldName('variable');
      // `for t in tests/*-test.sh` over a glob of files the repository holds: each value is one of
      // those files (a program of the script's own repository, judged where it is written).
      const words = node.childrenForFieldName('value');
      const files = words.length === 1 && words[0]?.type === 'word' && /^[\w.-]+(\/[\w.-]+)*\/[\w.*-]*\*[\w.*-]*\.(sh|bash)$/.test(words[0].text);
      if (variable) out.push({ name: variable.text, value: files ? (words[0]?.text ?? null) : null });
    }
    if (node.type === 'command' && node.childForFieldName('name')?.text === 'read') {
      for (const arg of node.childrenForFieldName('argument')) if (/^[A-Za-z_]\w*$/.test(arg.text)) out.push({ name: arg.text, value: null });
    }
    for (const child of node.children) visit(child);
  };
  visit(root);
  return out;
}
