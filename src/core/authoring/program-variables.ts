// A variable named for a program (`$DOCKER`, `$OPENSSL`, `$PYTHON`, `${VIRTUALENV_CMD}`) is, by a
// long-standing shell convention, that program or a path to it, chosen by whoever runs the
// script (a sudo-prefixed docker, a specific python). Measured on real scripts, such calls are
// judged by what the program does, not as "cannot tell what runs": `$KUBECTL drain` is a drain,
// `$DOCKER pull` is harmless. A variable named for anything else (`$HOOK`, `$NGINX_SERVICE_COMMAND`)
// still cannot be told.
import { hasOwnRules } from './destructive-rules.js';

// Programs scripts commonly reach through such a variable that have no rule of their own.
const COMMON_PROGRAMS = new Set([
  'curl', 'wget', 'jq', 'yq', 'openssl', 'python', 'python2', 'python3', 'pip', 'pip3', 'virtualenv', 'node', 'npm', 'java',
  'php', 'perl', 'ruby', 'go', 'make', 'helm', 'docker', 'podman', 'kubectl', 'oc', 'git', 'ssh', 'scp', 'aws', 'gcloud', 'az',
  // Judged as themselves: the command they are given is what is read (`${SUDO[@]} rm -rf …`).
  'sudo', 'doas',
]);

const SUFFIX = /_(?:BIN|CMD|COMMAND|EXE|PATH|PROG)$/i;

/**
 * The program a call word names though it is not a plain name:
 * - `$NAME`, `${NAME}`, `${NAME[@]}` when NAME names a known program, whole (`$DOCKER`,
 *   `${PYTHON_BIN}`, `${sudo_cmd}`) or, for the common programs below, as its last word after
 *   words that describe it (`${USABLE_GIT}`); an array called whole runs its first word;
 * - the plain name a variable defaults to (`${ACME_OPENSSL_BIN:-openssl}`);
 * - the program a `$(command -v NAME)` looks up.
 */
export function programNamedByVariable(word: string): string | undefined {
  // `${ACME_OPENSSL_BIN:-openssl}`: the default, a program's plain name, runs unless whoever
  // runs the script names another (the same convention as the name itself).
  const withDefault = /^\$\{([A-Za-z_]\w*):?-([a-z][\w.+-]*)\}$/.exec(word);
  if (withDefault) return withDefault[2];
  // `"$(command -v pyenv)"`, `$(which git)`, `$(type -P gawk awk | head -n1)`: where that program is.
  const lookup = /^\$\(\s*(?:command\s+-v|which|type\s+-[Pp])\s+([a-z][\w.+-]*)[^()`$]*\)$/.exec(word);
  if (lookup) return lookup[1];
  const match = /^\$(?:\{([A-Za-z_]\w*)(?:\[[@*]\])?\}|([A-Za-z_]\w*))$/.exec(word);
  const variable = match?.[1] ?? match?.[2];
  if (variable === undefined) return undefined;
  const name = variable.replace(SUFFIX, '').toLowerCase();
  if (/^[a-z][a-z0-9]*$/.test(name) && (COMMON_PROGRAMS.has(name) || hasOwnRules(name))) return name;
  // After describing words, only a program's own name: `$NGINX_SERVICE_COMMAND` is a command
  // line for a service, not the `service` program.
  const last = name.split('_').pop() ?? '';
  return name.includes('_') && COMMON_PROGRAMS.has(last) ? last : undefined;
}
