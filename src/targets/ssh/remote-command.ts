// The command string sent in an SSH `exec` request. sshd hands it to the login user's shell
// as `$SHELL -c STRING`, so everything here is quoted to survive that shell (sh, bash, dash,
// zsh, ksh and fish read '…'\''…' the same way; csh cannot take the multi-line words below).

/** One shell word: single quotes, each `'` written as `'\''`. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A watchdog around the step, run by `sh -c WRAPPER handrail-step SCRIPT`.
 *
 * Why: stopping a remote command is otherwise up to the server. Handrail sends a `signal`
 * channel request (OpenSSH >= 7.9 answers with killpg() on the session's process group),
 * but OpenSSH refuses it for root logins ("session signalling requires privilege
 * separation"), older servers ignore it, and closing the channel alone leaves a quiet
 * command like `sleep` running with nobody watching. So the step's stdin is /dev/null (as
 * for a local step) and a watchdog reads the channel's stdin instead: Handrail never writes
 * to it, so it ends only when the channel closes (timeout, abort, Handrail gone). Then the
 * watchdog kills the process group sshd made for this session (sshd calls setsid() for
 * each session, and a non-interactive shell starts no new groups), like the SIGHUP an
 * interactive ssh session gets. When the step ends on its own the watchdog is disarmed
 * first, so daemons a step starts on purpose are left alone, as ssh(1) leaves them. A
 * process that leaves the group itself (setsid) is out of reach either way.
 *
 * A step killed by a signal exits 128+N, as a shell reports it.
 */
const WRAPPER = [
  'exec 3<&0',
  'sh -c "$1" </dev/null 3<&- &',
  'step=$!',
  // fd 3 explicitly: a background list's stdin is otherwise /dev/null (POSIX, no job control).
  '{ while read -r _; do :; done; kill -s KILL 0; } <&3 >/dev/null 2>&1 &',
  'watchdog=$!',
  'exec 3<&-',
  'wait "$step"',
  'status=$?',
  'kill -s KILL "$watchdog" 2>/dev/null',
  'exit "$status"',
].join('\n');

/**
 * The exec command for `script` with `env`: `export NAME='value'` lines, then the script.
 * Variables travel inside the script because sshd refuses `env` requests for names its
 * AcceptEnv does not list (by default only LANG and LC_*), and ssh2 does not report the
 * refusal: the step would run with the variables silently missing.
 */
export function remoteCommand(script: string, env: Readonly<Record<string, string>>): string {
  const lines: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (!NAME.test(name)) throw new Error(`"${name}" is not a valid environment variable name for sh`);
    if (value.includes('\0')) throw new Error(`the value of ${name} contains a NUL byte, which sh cannot hold`);
    lines.push(`export ${name}=${shellQuote(value)}`);
  }
  if (script.includes('\0')) throw new Error('the script contains a NUL byte, which sh cannot hold');
  lines.push(script);
  return `sh -c ${shellQuote(WRAPPER)} handrail-step ${shellQuote(lines.join('\n'))}`;
}
