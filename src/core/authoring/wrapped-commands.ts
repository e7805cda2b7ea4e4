// The commands other commands run: `sudo -u postgres psql …`, `env A=1 rm -rf …`,
// `xargs rm -r`, `docker exec db psql …`, `kubectl exec pod -- psql …`, `bash -c "…"`,
// `ssh host 'systemctl stop app'`. A rule that looked only at the outer name would miss
// exactly the commands people run with privileges.
import { readCode, type ShellCall } from './shell-calls.js';

/** Commands that run the rest of their arguments as a command. */
const WRAPPERS = new Set([
  'sudo', 'doas', 'env', 'nohup', 'nice', 'ionice', 'time', 'timeout', 'stdbuf', 'xargs', 'exec', 'command', 'builtin',
  'chroot', 'runuser', 'flock', 'watch', 'setsid', 'unbuffer', 'chronic', 'docker', 'podman', 'kubectl', 'nsenter',
  'systemd-run', 'parallel', 'strace', 'ltrace', 'taskset', 'chrt', 'su',
  'su-exec', 'gosu', 's6-setuidgid',
  // The bash grammar reads `coproc cmd …` and `time { cmd …` as a call with `cmd` among its arguments.
  'coproc',
]);
export const SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh', 'mksh', 'ash', 'busybox']);
/** ssh options that take a value, so the first other word is the host. */
const SSH_VALUE_OPTIONS = new Set(['-b', '-c', '-D', '-E', '-e', '-F', '-I', '-i', '-J', '-L', '-l', '-m', '-O', '-o', '-p', '-Q', '-R', '-S', '-W', '-w', '-B']);

export const baseName = (name: string): string => name.split('/').pop() ?? name;

/**
 * The call itself and every call it runs, outermost first. `known` says which command
 * names are worth finding inside a wrapper's arguments.
 */
export async function withWrappedCalls(call: ShellCall, known: (name: string) => boolean, depth = 0): Promise<ShellCall[]> {
  const out = [call];
  if (depth > 4) return out;
  const name = baseName(call.name);
  const inner = async (found: ShellCall[]) => {
    for (const c of found) out.push(...(await withWrappedCalls(c, known, depth + 1)));
  };
  if (SHELLS.has(name) || name === 'su') {
    const script = codeAfter(call.args, '-c');
    if (script !== undefined) await inner((await readCode(script, call.line)).calls);
    return out;
  }
  if (name === 'ssh') {
    const remote = sshRemoteCommand(call.args);
    if (remote) await inner((await readCode(remote, call.line)).calls);
    return out;
  }
  if (!WRAPPERS.has(name)) return out;
  const at = call.args.findIndex((arg) => known(baseName(arg)) || SHELLS.has(baseName(arg)) || baseName(arg) === 'ssh');
  if (at !== -1) {
    const [first = '', ...rest] = call.args.slice(at);
    await inner([{ ...call, name: first, args: rest }]);
  }
  return out;
}

/** `-c SCRIPT` (also in `-ec`, `-xc`): the word after the option. */
export function codeAfter(args: string[], flag: string): string | undefined {
  const at = args.findIndex((a) => a === flag || (/^-[a-z]+$/.test(a) && a.endsWith(flag.slice(1))));
  return at === -1 ? undefined : args[at + 1];
}

/**
 * `ssh [options] host [options] command…`: the remote shell runs the words after the host and
 * its options, joined. ssh reads options after the host too (`ssh host -p 2222 cmd`), up to
 * the first word that is not one, or `--`.
 */
export function sshRemoteCommand(args: string[]): string | undefined {
  let host = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--') {
      if (!host) continue;
      const rest = args.slice(i + 1);
      return rest.length > 0 ? rest.join(' ') : undefined;
    }
    if (SSH_VALUE_OPTIONS.has(arg)) i++;
    else if (arg.startsWith('-')) continue;
    else if (!host) host = true;
    else return args.slice(i).join(' ');
  }
  return undefined;
}
