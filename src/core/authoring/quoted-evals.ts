// `eval` of text a program printed already quoted for the shell to read back: getopt's
// rearranged arguments (`PARSED=$(getopt -o hv -l help -- "$@")` then `eval set -- "$PARSED"`)
// and `declare -p NAME`'s assignment (`eval "$(source release.env && declare -p VERSION)"`).
// Both programs quote every word they print, so what eval runs is `set --` or an assignment,
// whatever the values are; no command is taken from the data. Any other text built at run time
// (`eval echo $dir`, `eval "$(grep ^ID= /etc/os-release)"`) still cannot be told.

/** `$(getopt …)`, also through a path (`$(/usr/bin/getopt …)`). */
const GETOPT_OUTPUT = /^\$\(\s*(\S*\/)?getopt\s[^()`]*\)$/;
/** `$(… && declare -p NAME …)`: the last command prints declarations only. */
const DECLARATIONS = /^\$\((?:[^()`]*(?:&&|;|\|\|)\s*)?(declare|typeset)\s+-p(\s+[A-Za-z_][\w-]*)+\s*\)$/;

/** Whether eval's words (`resolve` gives a variable's one value) only read back quoted output. */
export function evalsQuotedOutput(words: readonly string[], resolve: (word: string) => string): boolean {
  const code = words.join(' ').trim();
  if (DECLARATIONS.test(code)) return true;
  const m = /^set\s+--\s+("?)(\$\{?[A-Za-z_]\w*\}?)\1$/.exec(code);
  return m !== null && GETOPT_OUTPUT.test(resolve(m[2] ?? '').trim());
}
