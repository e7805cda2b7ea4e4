// A script's commands share one shell: `cd`, variables, functions and `set -e` at the top
// hold for every line after them. A runbook's steps do not — each runs in a fresh
// `sh -c` — so import sorts the script's top-level commands into steps and set-up, and
// repeats in each step exactly the set-up it needs (the `cd`s and exports always; a
// variable or function only where the step, or set-up it needs, uses it).
import type { ShellCommand } from './shell-commands.js';
import { baseName } from './wrapped-commands.js';

export type SetupKind =
  /** `set -e`, `set -euo pipefail`: becomes a `set` line in the steps that need it. */
  | 'set'
  /** `cd`, `pushd`, `popd`: repeated in every later step. */
  | 'cd'
  /** `export`, `source`, `umask`, …: repeated in every later step. */
  | 'env'
  /** `RELEASE=1.4.2`: repeated where it is used. */
  | 'assign'
  /** `log() { … }`: repeated where it is called. */
  | 'function'
  /** `trap … EXIT`: cannot work across steps; dropped with a note. */
  | 'trap'
  /** A top-level `exit`: the run ends after its last step anyway. */
  | 'exit';

export type Role = { kind: 'step' } | { kind: SetupKind };

export interface ShellOptions {
  errexit: boolean;
  nounset: boolean;
  pipefail: boolean;
  xtrace: boolean;
}

const ENV = new Set(['export', 'source', '.', 'umask', 'ulimit', 'shopt', 'alias', 'unalias', 'unset', 'declare', 'typeset', 'readonly', 'hash']);
const CD = new Set(['cd', 'pushd', 'popd']);

/** The statement's own command (not one inside `$(…)`). */
export function ownCall(command: ShellCommand) {
  return command.calls.find((c) => c.depth === 0);
}

export function roleOf(command: ShellCommand): Role {
  if (command.defines.length > 0) return { kind: 'function' };
  if (!command.simple) return { kind: 'step' };
  const call = ownCall(command);
  if (!call) return command.assigns.length > 0 ? { kind: 'assign' } : { kind: 'step' };
  const name = baseName(call.name);
  if (name === 'set') return call.args.every((a) => /^[-+]/.test(a) || OPTION_NAMES.has(a)) && call.args.length > 0 ? { kind: 'set' } : { kind: 'env' };
  if (CD.has(name)) return { kind: 'cd' };
  if (ENV.has(name)) return { kind: name === 'readonly' && call.args.every((a) => /^[A-Za-z_]\w*=/.test(a)) ? 'assign' : 'env' };
  if (name === 'trap') return { kind: 'trap' };
  if (name === 'exit') return { kind: 'exit' };
  return { kind: 'step' };
}

const OPTION_NAMES = new Set(['errexit', 'nounset', 'pipefail', 'xtrace', 'noclobber', 'noglob', 'allexport', 'verbose']);

/** The options `set` lines turn on, in order, up to (not including) command `before`. */
export function shellOptions(commands: ShellCommand[], roles: Role[], before: number): ShellOptions {
  const options: ShellOptions = { errexit: false, nounset: false, pipefail: false, xtrace: false };
  for (let i = 0; i < before; i++) {
    if (roles[i]?.kind !== 'set') continue;
    const args = ownCall(commands[i] as ShellCommand)?.args ?? [];
    for (let j = 0; j < args.length; j++) {
      const arg = args[j] ?? '';
      const on = arg.startsWith('-');
      if (arg === '-o' || arg === '+o') {
        const long = args[++j] ?? '';
        if (long in LONG) options[LONG[long] as keyof ShellOptions] = on;
      } else {
        for (const letter of arg.slice(1)) {
          // `-euo pipefail`: a bundled `o` takes the next word as its option's name.
          const key = letter === 'o' ? LONG[args[++j] ?? ''] : SHORT[letter];
          if (key) options[key] = on;
        }
      }
    }
  }
  return options;
}

const LONG: Record<string, keyof ShellOptions> = { errexit: 'errexit', nounset: 'nounset', pipefail: 'pipefail', xtrace: 'xtrace' };
const SHORT: Record<string, keyof ShellOptions> = { e: 'errexit', u: 'nounset', x: 'xtrace' };

/**
 * The set-up commands step `at` needs, in script order: every earlier `cd` and `env`
 * command, and the earlier assignments and functions it uses, followed through what
 * those use in turn.
 */
export function setupFor(commands: ShellCommand[], roles: Role[], at: number): number[] {
  const needed = new Set<number>();
  const queue: ShellCommand[] = [commands[at] as ShellCommand];
  for (let i = 0; i < at; i++) {
    const kind = roles[i]?.kind;
    if (kind === 'cd' || kind === 'env') {
      needed.add(i);
      queue.push(commands[i] as ShellCommand);
    }
  }
  while (queue.length > 0) {
    const command = queue.pop() as ShellCommand;
    const names = new Set(command.expands);
    const called = new Set(command.calls.map((c) => baseName(c.name)));
    for (let i = 0; i < at; i++) {
      if (needed.has(i)) continue;
      const candidate = commands[i] as ShellCommand;
      const kind = roles[i]?.kind;
      const uses =
        (kind === 'assign' && assigned(candidate).some((n) => names.has(n))) ||
        (kind === 'function' && candidate.defines.some((n) => called.has(n)));
      if (uses) {
        needed.add(i);
        queue.push(candidate);
      }
    }
  }
  return [...needed].sort((a, b) => a - b);
}

/** The names an assignment statement sets (`A=1 B=2`, `readonly A=1`). */
export function assigned(command: ShellCommand): string[] {
  const call = ownCall(command);
  if (!call) return command.assigns;
  return call.args.filter((a) => /^[A-Za-z_]\w*=/.test(a)).map((a) => a.slice(0, a.indexOf('=')));
}

/** Whether the command reads the script's own arguments (`$1`, `$@`, `$#`). */
export function readsArguments(command: ShellCommand): string | undefined {
  return command.expands.find((n) => /^[1-9@*#]$/.test(n));
}
