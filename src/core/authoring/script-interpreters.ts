// Interpreters that run an application's own command-line program: `php occ app:remove x`,
// `python3 manage.py flush`, `python3 -m pip uninstall x`. The program and its subcommand are
// what runs, so they are judged as if called by name; the interpreter's name says nothing.

/** Interpreters whose first operand is the program file (or, after -m, the module) to run. */
const INTERPRETERS = new Set(['php', 'python', 'python2', 'python3', 'node', 'nodejs', 'ruby', 'perl']);
/** Options whose value is code given inline: nothing of it reads as a subcommand. */
const INLINE_CODE = new Set(['-c', '-e', '-E', '-r', '-p', '--eval', '--print']);
/** Options that take the next word as their value without it being the program. */
const OPTION_VALUES = new Set(['-d', '-W', '-X', '-I', '-c', '--require', '-f', '-n', '-x']);

export function isInterpreter(name: string): boolean {
  return INTERPRETERS.has(name);
}

/**
 * Where the program stands among an interpreter's arguments (`-m pip` names the module, the
 * file otherwise), or undefined when the code is inline (`python3 -c "…"`) or there is none.
 */
export function programAt(name: string, args: string[]): number | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (INLINE_CODE.has(arg) && !(name === 'php' && arg === '-f')) return undefined;
    if (arg === '-m' && name.startsWith('python')) return args[i + 1] === undefined ? undefined : i + 1;
    if (name === 'php' && arg === '-f') return args[i + 1] === undefined ? undefined : i + 1;
    if (arg === '--') return args[i + 1] === undefined ? undefined : i + 1;
    if (arg.startsWith('-')) {
      if (OPTION_VALUES.has(arg) && name === 'php') i++;
      continue;
    }
    // A program named by a variable (`php "$SCRIPT" …`) cannot be read here.
    return /^[$`]/.test(arg) ? undefined : i;
  }
  return undefined;
}
