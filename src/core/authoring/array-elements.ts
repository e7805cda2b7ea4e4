// Keyed array elements the script sets to fixed text, so a command named by one is read as that
// text: armbian-config's modules register themselves with
// `module_options+=(["module_nfsd,feature"]="module_nfsd" …)` and re-enter their own dispatcher
// with `${module_options["module_nfsd,feature"]} remove`, which runs the module's own function
// (judged where it is written), not an unknown program. The same holds for `declare -A
// tools=([show]=cat)` or `tools[show]=cat`. An element set from anything but plain text stays
// unknown.
import type { SyntaxNode } from './bash-syntax.js';

/** The name the script's knowledge keeps one element under. */
export const elementName = (array: string, key: string): string => `${array}[${key}]`;

/** `[key]=value` / `["key"]="value"` inside an array literal. */
const KEYED = /^\[(["']?)([^\]"'$`\\]+)\1\]=(.*)$/s;

/** Text with no expansion, quoted or not; null otherwise. */
function plainText(text: string): string | null {
  const quoted = /^"([^"$`\\]*)"$/.exec(text) ?? /^'([^']*)'$/.exec(text);
  if (quoted) return quoted[1] ?? '';
  return /^[^\s"'$`\\]*$/.test(text) ? text : null;
}

/** The keyed elements of an array literal (`(["k"]="v" [j]=w)`), each with its fixed value or null; empty when it has none. */
export function keyedElements(array: SyntaxNode): { key: string; value: string | null }[] {
  const out: { key: string; value: string | null }[] = [];
  for (const child of array.children) {
    const m = child.isNamed ? KEYED.exec(child.text) : null;
    if (m) out.push({ key: m[2] ?? '', value: plainText(m[3] ?? '') });
  }
  return out;
}

/** `arr[key]=value`: the element a subscript assignment sets, or undefined when the key is not plain text. */
export function subscriptElement(subscript: SyntaxNode): string | undefined {
  const array = subscript.children.find((c) => c.type === 'variable_name')?.text;
  const index = subscript.children.find((c) => c.isNamed && c.type !== 'variable_name');
  const key = index === undefined ? null : plainText(index.text);
  return array === undefined || key === null || key === '' ? undefined : elementName(array, key);
}

/** `${arr["key"]}` / `${arr[key]}` as a whole word: the element's name, else undefined. */
export function elementNamedBy(word: string): string | undefined {
  const m = /^\$\{([A-Za-z_]\w*)\[(["']?)([^\]"'$`\\@*]+)\2\]\}$/.exec(word);
  return m ? elementName(m[1] ?? '', m[3] ?? '') : undefined;
}

/** Fixed values an element was given (all of them plain, none empty), else undefined. */
export function fixedValues(values: readonly (string | null)[] | undefined): string[] | undefined {
  if (values === undefined || values.length === 0 || values.some((v) => v === null || v.trim() === '')) return undefined;
  return [...new Set(values as string[])];
}
