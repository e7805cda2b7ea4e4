// Interpreters that run an application's own command-line program: `php occ app:remove x`,
// `python3 manage.py flush`, `python3 -m pip uninstall x`. The program and its subcommand are
// what runs, so they are judged as if called by name; the interpreter's name says nothing.

/** Interpreters whose first operand is the program file (or, after -m, the module) to run; also versioned (`php8.1`, `python3.11`). */
const INTERPRETER = /^(php|python|node|nodejs|ruby|perl)[\d.]*$/;
/** Each interpreter's options for code given inline (nothing of it reads as a subcommand), alone or last in a bundle (`perl -pe`). */
const INLINE_CODE: Record<string, RegExp> = {
  php: /^(-r|--run)$/,
  python: /^-[A-Za-z]*c$/,
  node: /^(-[A-Za-z]*[ep]|--eval|--print)$/,
  nodejs: /^(-[A-Za-z]*[ep]|--eval|--print)$/,
  ruby: /^-[A-Za-z]*e$/,
  perl: /^-[A-Za-z]*[eE]$/,
};
/** Options that take the next word as their value without it being the program. */
const OPTION_VALUES: Record<string, string[]> = {
  php: ['-c', '-d', '-z'],
  python: ['-W', '-X', '-Q'],
  node: ['-r', '--require', '--import', '--loader'],
  nodejs: ['-r', '--require', '--import', '--loader'],
  ruby: ['-I', '-r', '-C', '-E'],
  perl: ['-I', '-M', '-m'],
};

export function isInterpreter(name: string): boolean {
  return INTERPRETER.test(name);
}

/**
 * Where the program stands among an interpreter's arguments (`-m pip` names the module, the
 * file otherwise), or undefined when the code is inline (`python3 -c "…"`) or there is none.
 */
export function programAt(versioned: string, args: string[]): number | undefined {
  const name = INTERPRETER.exec(versioned)?.[1] ?? versioned;
  const next = (i: number): number | undefined => (args[i + 1] === undefined ? undefined : i + 1);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (INLINE_CODE[name]?.test(arg)) return undefined;
    if ((arg === '-m' && name === 'python') || (arg === '-f' && name === 'php') || arg === '--') return next(i);
    if (arg.startsWith('-')) {
      if (OPTION_VALUES[name]?.includes(arg)) i++;
      continue;
    }
    // A program named by a variable (`php "$SCRIPT" …`) cannot be read here.
    return /^[$`]/.test(arg) ? undefined : i;
  }
  return undefined;
}
