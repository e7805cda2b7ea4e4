// Commands that need a person at a terminal or never end on their own: a step runs with no
// terminal and its input empty, and counts as done only when its command exits. So a
// `kubectl exec -it`, a `tail -f`, `watch`, an editor, or a database console opened without
// a query would hang the run or do nothing; import makes such a block a manual step that
// shows the command for the operator to run in their own terminal.
import { shownCall, type ShellCall } from './shell-calls.js';
import { baseName } from './wrapped-commands.js';

type Rule = (args: string[]) => string | undefined;

const has = (args: string[], ...flags: string[]) => args.some((a) => flags.includes(a));
/** `-it`, `-ti`, `-t`, `--tty`: a terminal is asked for. */
const tty = (args: string[]) => args.some((a) => a === '--tty' || a === '-t' || /^-[a-zA-Z]*t[a-zA-Z]*$/.test(a) && /i/.test(a) && !a.startsWith('--'));
const follows = (args: string[]) => has(args, '-f', '-F', '--follow', '--follow=true');
const watches = (args: string[]) => has(args, '-w', '--watch', '--watch=true', '--watch-only');
/** Arguments that are not options: a client given none of these opens its prompt. */
const operands = (args: string[]) => args.filter((a) => !a.startsWith('-'));

/** Flags of kubectl and oc that take the next word as their value. */
const KUBE_VALUE_FLAGS = new Set(['-n', '--namespace', '-c', '--container', '--context', '--kubeconfig', '-l', '--selector', '-o', '--output', '-f', '--filename', '--as', '--cluster', '--user', '-s', '--server', '--token', '--field-selector', '--since', '--tail']);

/** The subcommand and the words after it that are not options. */
function kubeWords(args: string[]): string[] {
  const words: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--') break;
    if (KUBE_VALUE_FLAGS.has(arg)) i++;
    else if (!arg.startsWith('-')) words.push(arg);
  }
  return words;
}

function kube(args: string[]): string | undefined {
  const [verb, ...rest] = kubeWords(args);
  if (tty(args)) return 'asks for a terminal (-t)';
  if (verb === 'edit') return 'opens an editor';
  if ((verb === 'logs' || verb === 'log') && follows(args)) return 'follows the log and never ends by itself';
  if (verb === 'get' && watches(args)) return 'watches and never ends by itself';
  if (verb === 'attach') return 'attaches to the container';
  if ((verb === 'rsh' || verb === 'debug') && !args.includes('--') && rest.length <= 1) return verb === 'rsh' ? 'opens a shell in the pod' : 'opens a debug shell';
  if (verb === 'port-forward' || verb === 'proxy') return 'keeps running until stopped';
  return undefined;
}

/** `docker run -it`, `docker exec -it`: a terminal asked for (`docker build -t` is a tag). */
function container(args: string[]): string | undefined {
  const words = operands(args);
  const verb = words[0] === 'container' ? words[1] : words[0];
  if (['run', 'exec', 'create', 'start'].includes(verb ?? '') && tty(args)) return 'asks for a terminal (-t)';
  if (verb === 'attach') return 'attaches to a container';
  if (verb === 'logs' && follows(args)) return 'follows the log and never ends by itself';
  return undefined;
}

const CONSOLE = (code: RegExp[]): Rule => (args) => (args.some((a) => code.some((c) => c.test(a))) ? undefined : 'opens an interactive console');

const RULES: Record<string, Rule> = {
  kubectl: kube,
  oc: kube,
  docker: container,
  podman: container,
  tail: (args) => (follows(args) || args.some((a) => /^-[a-zA-Z]*[fF]/.test(a)) ? 'follows the file and never ends by itself' : undefined),
  journalctl: (args) => (follows(args) ? 'follows the journal and never ends by itself' : undefined),
  watch: () => 'repeats until stopped',
  top: (args) => (has(args, '-b', '-n') ? undefined : 'runs until stopped'),
  htop: () => 'runs until stopped',
  less: () => 'is a pager that waits for keys',
  more: () => 'is a pager that waits for keys',
  vi: () => 'opens an editor',
  vim: () => 'opens an editor',
  nano: () => 'opens an editor',
  emacs: () => 'opens an editor',
  tmux: () => 'opens a terminal session',
  screen: () => 'opens a terminal session',
  psql: CONSOLE([/^(-c|--command|-f|--file)(=|$)/]),
  mysql: CONSOLE([/^(-e|--execute)(=|$)/]),
  sqlite3: (args) => (operands(args).length >= 2 ? undefined : 'opens an interactive console'),
  'redis-cli': (args) => (operands(args).length >= 1 ? undefined : 'opens an interactive console'),
  mongo: CONSOLE([/^--eval/]),
  mongosh: CONSOLE([/^--eval/]),
  python: (args) => (args.length === 0 ? 'opens an interactive console' : undefined),
  python3: (args) => (args.length === 0 ? 'opens an interactive console' : undefined),
  node: (args) => (args.length === 0 ? 'opens an interactive console' : undefined),
  irb: () => 'opens an interactive console',
  bash: (args) => (operands(args).length === 0 && !args.some((a) => /^-[a-z]*c/.test(a)) ? 'opens a shell' : undefined),
  sh: (args) => (operands(args).length === 0 && !args.some((a) => /^-[a-z]*c/.test(a)) ? 'opens a shell' : undefined),
  zsh: (args) => (operands(args).length === 0 && !args.some((a) => /^-[a-z]*c/.test(a)) ? 'opens a shell' : undefined),
  ssh: (args) => (operands(args).length <= 1 && !has(args, '-N') ? 'opens a remote shell' : has(args, '-t', '-tt') ? 'asks for a terminal (-t)' : undefined),
  chroot: (args) => (operands(args).length <= 1 ? 'opens a shell in the chroot' : undefined),
  toolbox: () => 'opens a shell',
  virtctl: (args) => (['console', 'vnc', 'ssh'].includes(operands(args)[0] ?? '') ? 'opens a console on the virtual machine' : undefined),
  read: () => 'waits for typed input',
  sudo: () => 'opens a root shell',
  su: (args) => (args.some((a) => /^(-c|--command)/.test(a)) ? undefined : 'opens a shell'),
  passwd: () => 'asks for a password',
};

/** Why `calls` need a terminal or never end, naming the command; undefined when they can run unattended. */
export function sessionBound(calls: ShellCall[]): string | undefined {
  for (const call of calls) {
    const { name, args } = unwrapped(call);
    const why = RULES[name]?.(args);
    // A console fed a heredoc, a here-string or a pipe reads that and ends.
    if (why && !(why.includes('console') || why.includes('shell') || name === 'read' ? fedStdin(call) : false)) {
      return `\`${shownCall(call)}\` ${why}`;
    }
  }
  return undefined;
}

const fedStdin = (call: ShellCall): boolean => call.stdin.length > 0 || call.redirects.some((r) => r.op.startsWith('<'));

const WRAPPERS = new Set(['sudo', 'env', 'timeout', 'nohup', 'nice', 'time', 'command', 'exec']);

/** `sudo -u postgres psql` is `psql`: the wrapper's options, `NAME=value` words and a timeout's duration skipped. */
function unwrapped(call: ShellCall): { name: string; args: string[] } {
  let name = baseName(call.name);
  let args = call.args;
  while (WRAPPERS.has(name)) {
    const wrapper = name;
    let i = 0;
    while (i < args.length && (/^-/.test(args[i] ?? '') || /^[A-Za-z_]\w*=/.test(args[i] ?? ''))) {
      // `sudo -u USER`: the options that take a value take the next word.
      if (wrapper === 'sudo' && /^-[ugCDhpRrTU]$/.test(args[i] ?? '')) i++;
      i++;
    }
    if (wrapper === 'timeout' && i < args.length) i++;
    if (i >= args.length) return { name: wrapper, args: [] };
    name = baseName(args[i] ?? '');
    args = args.slice(i + 1);
  }
  return { name, args };
}
