// The commands a command runs on the script's behalf: `sudo -u postgres psql …`,
// `env A=1 timeout 60 rm …`, `xargs -r -n 100 redis-cli DEL`, `sh -c "…"`, `ssh host '…'`,
// `trap '…' EXIT`, `docker exec db psql …`, and the script's own functions that run their
// arguments (`run() { "$@"; }`). The code in a string is parsed as shell, not searched.
//
// Each wrapper's options that take a value are listed, so the command is the first word after
// the options, as the wrapper itself reads it: `sudo -u $USER $CMD` runs `$CMD`, which the
// rules then report as a command nobody can read before it runs.
import { operands } from './command-args.js';
import { readCodeNow, type ShellCall, type ShellRedirect } from './shell-calls.js';
import type { ScriptKnowledge } from './script-knowledge.js';
import { codeAfter, SHELLS, sshRemoteCommand } from './wrapped-commands.js';
import { isInterpreter, programAt } from './script-interpreters.js';

export interface InnerCommands {
  calls: ShellCall[];
  redirects: ShellRedirect[];
}

interface WrapperSpec {
  /** Options that take the next word as their value. */
  values?: string[];
  /** Operands before the command (timeout's duration, chroot's folder). */
  skip?: number;
  /** `NAME=value` words before the command are settings, not the command (env). */
  settings?: boolean;
  /** Options after which no command runs (`command -v`, `sudo -l`). */
  noCommand?: string[];
}

const PURE_WRAPPERS: Record<string, WrapperSpec> = {
  sudo: { values: ['-u', '-g', '-C', '-D', '-h', '-p', '-r', '-t', '-U', '-T', '--user', '--group', '--chdir', '--host', '--prompt', '--role', '--type', '--other-user', '--close-from', '--command-timeout'], noCommand: ['-l', '-v', '-k', '-K', '-V', '--list', '--validate'], settings: true },
  doas: { values: ['-u', '-C'] },
  env: { values: ['-u', '-C', '-S', '--unset', '--chdir', '--split-string'], settings: true },
  nohup: {},
  nice: { values: ['-n', '--adjustment'] },
  ionice: { values: ['-c', '-n', '-p', '-P', '-u', '--class', '--classdata'] },
  time: { values: ['-o', '-f', '--output', '--format'] },
  timeout: { values: ['-s', '-k', '--signal', '--kill-after'], skip: 1 },
  stdbuf: { values: ['-i', '-o', '-e'] },
  xargs: { values: ['-I', '-n', '-P', '-L', '-d', '-s', '-a', '-E', '--max-args', '--max-procs', '--delimiter', '--arg-file', '--max-lines', '--max-chars'] },
  exec: { values: ['-a'] },
  command: { noCommand: ['-v', '-V'] },
  builtin: {},
  setsid: {},
  chronic: {},
  unbuffer: {},
  coproc: {},
  flock: { values: ['-w', '-E', '--timeout', '--conflict-exit-code'], skip: 1 },
  chroot: { values: ['--userspec', '--groups'], skip: 1 },
  runuser: { values: ['-u', '-g', '-G', '--user', '--group', '--supp-group', '-s', '--shell'] },
  taskset: { skip: 1 },
  chrt: { skip: 1 },
  'systemd-run': { values: ['-p', '--property', '-u', '--unit', '-M', '--machine', '--on-calendar', '--on-active', '--uid', '--gid', '-E', '--setenv'] },
  strace: { values: ['-o', '-e', '-p', '-s', '-u', '-P', '-I'] },
  ltrace: { values: ['-o', '-e', '-p', '-s', '-u'] },
  watch: { values: ['-n', '--interval', '-q', '--equexit'] },
  // Container entrypoints drop privileges with these: `su-exec www-data docker …` runs docker.
  'su-exec': { skip: 1 },
  gosu: { skip: 1 },
  's6-setuidgid': { skip: 1 },
};

/** Container and cluster tools run a command only through these verbs. */
const REMOTE_RUN: Record<string, RegExp> = {
  docker: /^(exec|run)$/,
  podman: /^(exec|run)$/,
  kubectl: /^(exec|run|debug)$/,
  oc: /^(exec|rsh|run|debug)$/,
  nsenter: /.*/,
  // Proxmox and LXC: `pct exec 101 -- apt-get purge …`, `lxc-attach -n web -- rm …`, `lxc exec web -- …`.
  pct: /^exec$/,
  lxc: /^exec$/,
  'lxc-attach': /.*/,
  // An immutable host (SUSE MicroOS) changes its root through `transactional-update run CMD`.
  'transactional-update': /^run$/,
};

const NO_DASHES_BEFORE_COMMAND = new Set(['docker', 'podman', 'transactional-update']);

/** Options of docker/podman/kubectl/oc run and exec that take the next word as their value. */
const OPTION_VALUES = new Set(['-u', '--user', '-v', '--volume', '-e', '--env', '--env-file', '--name', '-w', '--workdir', '--entrypoint', '--network', '--net', '--mount', '-l', '--label', '-p', '--publish', '-h', '--hostname', '--cidfile', '--platform', '-c', '--container', '-n', '--namespace', '--image', '--user-ns', '--group-add', '--sysctl', '--tmpfs', '--log-driver', '--restart', '-m', '--memory']);

/** True for the commands whose arguments are another command (wrappers, shells, ssh, trap, container exec). */
export function runsOtherCommands(name: string): boolean {
  return name in PURE_WRAPPERS || name in REMOTE_RUN || isInterpreter(name) || SHELLS.has(name) || name === 'su' || name === 'ssh' || name === 'trap' || name === 'eval';
}

/** Generators whose output `eval` is meant to run: reading it gains nothing, flagging it is noise. */
export const EVAL_GENERATORS = /^\$\(\s*(ssh-agent|dircolors|pyenv|rbenv|nodenv|goenv|direnv|brew|minikube|docker-machine|opam|keychain|gpg-agent|luarocks|starship|zoxide)\b/;

/**
 * The commands `call` runs, one level down. `known` says which names are worth finding
 * among a container tool's arguments (`docker exec db psql …`), where options are too many to list.
 */
export function innerCommands(call: ShellCall, name: string, knowledge: ScriptKnowledge, known: (name: string) => boolean): InnerCommands {
  const none = { calls: [], redirects: [] };
  const code = (text: string | undefined): InnerCommands => {
    if (text === undefined || text.trim() === '') return none;
    const read = readCodeNow(text, call.line);
    return { calls: read.calls, redirects: read.redirects };
  };
  const as = (words: string[]): InnerCommands => {
    const [first, ...rest] = words;
    return first === undefined ? none : { calls: [{ ...call, name: first, args: rest }], redirects: [] };
  };

  if (SHELLS.has(name) || name === 'su') return code(codeAfter(call.args, '-c'));
  if (name === 'ssh') return code(sshRemoteCommand(call.args));
  if (name === 'trap') return call.args.length >= 2 && call.args[0] !== '-' && !/^\d+$/.test(call.args[0] ?? '') ? code(call.args[0]) : none;
  if ((name === 'flock' || name === 'runuser') && codeAfter(call.args, '-c') !== undefined) return code(codeAfter(call.args, '-c'));
  if (knowledge.wrappers.has(name)) return as(call.args.slice(knowledge.wrapperSkips.get(name) ?? 0));
  if (isInterpreter(name)) {
    // `php occ app:remove x`: the program the interpreter runs, judged by its own name.
    // By its name alone: the file is the application's code, not a hook the script tests for.
    const at = programAt(name, call.args);
    const program = at === undefined ? undefined : call.args[at];
    return program === undefined ? none : as([program.split('/').pop() ?? program, ...call.args.slice((at ?? 0) + 1)]);
  }
  const spec = PURE_WRAPPERS[name];
  if (spec) {
    const at = commandAt(call.args, spec);
    // xargs and the like pass the piped input on; the command they run keeps it.
    return at === undefined ? none : { calls: [{ ...call, name: call.args[at] ?? '', args: call.args.slice(at + 1), redirects: name === 'xargs' ? [] : call.redirects }], redirects: [] };
  }
  // `docker compose exec db psql …`, `docker-compose run --rm web rm -rf …`: a service's
  // container runs the command; compose's own options (`--env-file F`, `--ansi never`) come first.
  const compose = name === 'docker-compose' || name === 'podman-compose' || ((name === 'docker' || name === 'podman') && operands(call.args)[0] === 'compose');
  const verbAt = compose ? call.args.findIndex((arg) => arg === 'exec' || arg === 'run') : -1;
  if (verbAt !== -1) {
    const at = call.args.findIndex((arg, i) => i > verbAt + 1 && !/[:=]/.test(arg) && !OPTION_VALUES.has(call.args[i - 1] ?? '') && known(arg.split('/').pop() ?? arg));
    return at === -1 ? none : as(call.args.slice(at));
  }
  const verbs = REMOTE_RUN[name];
  if (verbs && verbs.test(operands(call.args)[0] ?? '')) {
    const dashes = call.args.indexOf('--');
    // `pct exec 101 -- cmd`; docker's and transactional-update's `--` belong to the command run.
    if (dashes !== -1 && !NO_DASHES_BEFORE_COMMAND.has(name)) return as(call.args.slice(dashes + 1));
    // An option's value is not the command, though it may end in one's name (`-u mysql`,
    // `-v vol:/var/lib/mysql`).
    const at = call.args.findIndex((arg, i) => i > 0 && !/[:=]/.test(arg) && !OPTION_VALUES.has(call.args[i - 1] ?? '') && known(arg.split('/').pop() ?? arg));
    return at === -1 ? none : as(call.args.slice(at));
  }
  return none;
}

/** Where the wrapped command's name stands among the wrapper's arguments. */
function commandAt(args: string[], spec: WrapperSpec): number | undefined {
  let skip = spec.skip ?? 0;
  let optionsEnded = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (!optionsEnded) {
      if (spec.noCommand?.includes(arg)) return undefined;
      if (arg === '--') {
        optionsEnded = true;
        continue;
      }
      if (spec.values?.includes(arg)) {
        i++;
        continue;
      }
      // `sudo -HEu git make`: flags bundled with one that takes a value (`-u`) last take the next word.
      if (/^-[A-Za-z]{2,}$/.test(arg) && spec.values?.includes(`-${arg.slice(-1)}`)) {
        i++;
        continue;
      }
      if (arg.startsWith('-') && arg !== '-') continue;
    }
    // env takes any NAME=value before the command as a setting, dots and all (`logger.level=info`).
    if (spec.settings && /^[A-Za-z_][\w.-]*=/.test(arg)) continue;
    if (skip > 0) {
      skip--;
      continue;
    }
    return i;
  }
  return undefined;
}
