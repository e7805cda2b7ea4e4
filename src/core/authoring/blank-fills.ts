// An in-place edit whose every substitution can only fill a blank: a placeholder token the file
// was shipped with (`s#__LOG_DIR__#/var/log#`, `s/%USER%/app/`, `s/@PREFIX@/\/usr/`,
// `s/{{ domain }}/x/`), or a setting whose value is empty (`s|^SECRET_KEY=[ \t]*$|SECRET_KEY=…|`).
// What the substitution matches is not anything a person set: a placeholder is text the project
// put there to be replaced, and an empty value holds nothing. The expression itself shows it, in
// any script. Any other command in the edit (`/x/d`, an `a`/`i` line, a substitution of a value)
// keeps the edit destructive, as does a script read from a file (`sed -f`).
import { hasFlag, operands, options } from './command-args.js';

/**
 * A token written to be replaced: `%NAME%`, `@NAME@`, `__NAME__`, `{{ name }}`, or a capitalised
 * name that says so (`THIS_SHOULD_BE_REPLACED_BY_INSTALLER`). A bare prefix convention
 * (`PH_NAME`) is left out: one project's labels call filling those in a package's own file a loss.
 */
const PLACEHOLDER = /^(%[A-Za-z][\w.-]*%|@[A-Za-z][\w.-]*@|__[A-Za-z][\w.-]*__|\{\{\s*[A-Za-z][\w.-]*\s*\}\}|[A-Z0-9_]*(PLACEHOLDER|REPLACED?_BY|REPLACE_ME|CHANGE_?ME)[A-Z0-9_]*)$/;

/**
 * `KEY=` then only blanks to the end of the line: the setting has no value. Groups and a leading
 * comment or indent class are allowed around the key (`^\([ \t-]*KEY\)\(=[ \t]*\)$`).
 */
const EMPTY_SETTING = /^\^?(\[[^\]]*\]\*)?[A-Za-z_][\w.-]*=(\[[ \\t]+\]\*|\\s\*| \*)?\$$/;

/** The words of a substitution: pattern and flags, or undefined when the command is not `s`. */
function substitution(command: string): { pattern: string; flags: string } | undefined {
  const text = command.trim();
  if (!text.startsWith('s') || text.length < 4) return undefined;
  const delimiter = text[1] ?? '';
  if (/[\w\s\\]/.test(delimiter)) return undefined;
  const parts: string[] = [];
  let current = '';
  for (let k = 2; k < text.length; k++) {
    const c = text[k] ?? '';
    if (c === '\\' && k + 1 < text.length) {
      current += c + (text[k + 1] ?? '');
      k++;
    } else if (c === delimiter && parts.length < 2) {
      parts.push(current);
      current = '';
    } else current += c;
  }
  if (parts.length < 2) return undefined;
  return { pattern: parts[0] ?? '', flags: current };
}

/** A pattern that matches only a placeholder or an empty setting. */
function matchesOnlyABlank(pattern: string): boolean {
  // Grouping does not change what matches: `\(KEY\)\(=\)$` is `KEY=$`.
  const bare = pattern.replace(/\\?[()]/g, '');
  return PLACEHOLDER.test(bare) || EMPTY_SETTING.test(bare);
}

/** Every command of every expression is a substitution that fills a blank. */
function onlyFillsBlanks(expressions: readonly string[]): boolean {
  const commands = expressions.flatMap((e) => e.split(/;\s*|\n/)).filter((c) => c.trim() !== '');
  return commands.length > 0 && commands.every((c) => {
    const s = substitution(c);
    return s !== undefined && /^[gIi0-9]*$/.test(s.flags.trim()) && matchesOnlyABlank(s.pattern);
  });
}

const SED_VALUED = options('-e', '--expression', '-f', '--file', '-l', '--line-length');

/** `sed -i …` whose expressions only fill blanks (see above). */
export function sedFillsOnlyBlanks(args: readonly string[]): boolean {
  if (hasFlag(args, 'f', '--file')) return false;
  const expressions: string[] = [];
  for (let k = 0; k < args.length; k++) {
    const a = args[k] ?? '';
    if (a === '-e' || a === '--expression') expressions.push(args[++k] ?? '');
    else if (a.startsWith('--expression=')) expressions.push(a.slice('--expression='.length));
  }
  if (expressions.length === 0) {
    const first = operands(args, SED_VALUED)[0];
    if (first !== undefined) expressions.push(first);
  }
  return onlyFillsBlanks(expressions);
}

/** `perl -pi -e 's#PH_X#…#g' FILE` whose code only fills blanks. */
export function perlFillsOnlyBlanks(args: readonly string[]): boolean {
  const expressions: string[] = [];
  for (let k = 0; k < args.length; k++) {
    const a = args[k] ?? '';
    if (a === '-e' || a === '-E' || /^-[a-zA-Z]*[eE]$/.test(a)) expressions.push(args[++k] ?? '');
  }
  return onlyFillsBlanks(expressions);
}
