// Reading a command's arguments the way the command itself does: flags bundled (`-rf`) or
// spelled long (`--recursive`), options that take the next word as their value (`-n ns`),
// so that `kubectl -n prod delete pod x` is read as `delete`, not as a command named `prod`.

/** Flags written alone or bundled (`-rf`, `-fR`), or spelled long (also `--long=value`). Stops at `--`. */
export function hasFlag(args: readonly string[], short: string, ...long: string[]): boolean {
  for (const arg of args) {
    if (arg === '--') return false;
    if (long.some((l) => arg === l || arg.startsWith(`${l}=`))) return true;
    if (/^-[A-Za-z]+$/.test(arg) && [...short].some((s) => arg.includes(s))) return true;
  }
  return false;
}

/**
 * The words that are not options, skipping the value of each option in `takesValue`
 * (`-n prod`, `--namespace prod`; `--namespace=prod` and `-nprod` carry their own).
 */
export function operands(args: readonly string[], takesValue: ReadonlySet<string> = NONE): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--') {
      out.push(...args.slice(i + 1));
      break;
    }
    if (takesValue.has(arg)) i++;
    else if (!arg.startsWith('-') || arg === '-') out.push(arg);
  }
  return out;
}

/** The value of an option: `-C dir`, `-Cdir`, `--directory dir`, `--directory=dir`; the last one given wins. */
export function optionValue(args: readonly string[], short: string | null, ...long: string[]): string | undefined {
  let found: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--') break;
    const l = long.find((o) => arg.startsWith(`${o}=`));
    if ((short !== null && arg === short) || long.includes(arg)) found = args[++i];
    else if (l) found = arg.slice(l.length + 1);
    else if (short !== null && arg.startsWith(short) && !arg.startsWith('--') && arg.length > short.length) found = arg.slice(short.length);
  }
  return found;
}

export const options = (...names: string[]): ReadonlySet<string> => new Set(names);
const NONE: ReadonlySet<string> = new Set();
