// `eval` of text a program printed already quoted for the shell to read back: getopt's
// rearranged arguments (`PARSED=$(getopt -o hv -l help -- "$@")` then `eval set -- "$PARSED"`)
// and `declare -p NAME`'s assignment (`eval "$(source release.env && declare -p VERSION)"`).
// Both programs quote every word they print, so what eval runs is `set --` or an assignment,
// whatever the values are; no command is taken from the data. So does jq's `@sh` filter (each
// string quoted for the shell): `versions="$(jq -r 'keys | map(@sh) | join(" ")' v.json)"` then
// `eval "set -- $versions"` or `eval "variants=( $variants )"` only sets words. Any other text
// built at run time (`eval echo $dir`, `eval "$(grep ^ID= /etc/os-release)"`) still cannot be told.

/** `$(getopt …)`, also through a path (`$(/usr/bin/getopt …)`). */
const GETOPT_OUTPUT = /^\$\(\s*(\S*\/)?getopt\s[^()`]*\)$/;
/** `$(… && declare -p NAME …)`: the last command prints declarations only. */
const DECLARATIONS = /^\$\((?:[^()`]*(?:&&|;|\|\|)\s*)?(declare|typeset)\s+-p(\s+[A-Za-z_][\w-]*)+\s*\)$/;

/** `$(jq … @sh …)`: jq printing strings quoted for the shell (the filter may hold parentheses). */
const JQ_SHELL_QUOTED = /^\$\(\s*(\S*\/)?jq\s[^`]*@sh[^`]*\)$/s;
/** `set -- $V`, `NAME=( $V )`, `declare -g -a NAME=( $V )`: the one variable whose words are set. */
const SETS_WORDS = /^(?:set\s+--\s+("?)(\$\{?[A-Za-z_]\w*\}?)\1|(?:(?:declare|typeset|local)(?:\s+-[A-Za-z]+)*\s+)?[A-Za-z_]\w*=\(\s*(\$\{?[A-Za-z_]\w*\}?)\s*\))$/;

/**
 * Whether eval's words only read back quoted output. `resolve` gives a variable's one value,
 * `valuesOf` every value the script gives it (all of them must be quoted output).
 */
export function evalsQuotedOutput(words: readonly string[], resolve: (word: string) => string, valuesOf: (word: string) => (string | null)[] = () => []): boolean {
  const code = words.join(' ').trim();
  if (DECLARATIONS.test(code)) return true;
  const m = SETS_WORDS.exec(code);
  const variable = m?.[2] ?? m?.[3];
  if (variable === undefined) return false;
  if (m?.[2] !== undefined && GETOPT_OUTPUT.test(resolve(variable).trim())) return true;
  const values = valuesOf(variable);
  return values.length > 0 && values.every((v) => v !== null && JQ_SHELL_QUOTED.test(v.trim()));
}
