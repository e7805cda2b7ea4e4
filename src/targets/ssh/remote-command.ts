// The command string sent in an SSH `exec` request. sshd hands it to the login user's shell
// as `$SHELL -c STRING`, so everything here is quoted to survive that shell (sh, bash, dash,
// zsh, ksh and fish read '…'\''…' the same way; csh cannot take the multi-line words below).

/** One shell word: single quotes, each `'` written as `'\''`. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The first word of the line the wrapper writes on stdout before the step starts. */
export const GROUP_REPORT_MARKER = 'handrail-step-group';

/**
 * Before the step starts, the wrapper writes one line on stdout: the marker, the process
 * group sshd made for this session, its leader's start time (clock ticks since boot, field 22
 * of /proc/PID/stat) and the host's boot id, each `-` where /proc cannot tell (not Linux).
 * Handrail records it, then lets the step start (see the gate below), so after a crash a
 * resume can find that group on the host again. The step cannot forge or hide the line: it
 * does not exist yet when the line is written, and nothing after the first such line is read
 * as a report. The pid of the wrapper stands in for the group where there is no /proc.
 * Parsed with builtins only: `read` and parameter expansion (the command name in field 2 is
 * in parentheses and may hold spaces, hence everything up to the last ") " is dropped), and
 * the positional parameters are emptied again before the step, which would otherwise see them.
 */
const GROUP_REPORT = [
  'group=$$ ticks=- boot=-',
  'if { IFS= read -r stat </proc/$$/stat; } 2>/dev/null; then',
  '  stat=${stat##*) }; set -f; set -- $stat; set +f; group=$3',
  '  if { IFS= read -r stat </proc/$group/stat; } 2>/dev/null; then stat=${stat##*) }; set -f; set -- $stat; set +f; ticks=${20}; fi',
  '  { IFS= read -r boot </proc/sys/kernel/random/boot_id; } 2>/dev/null || boot=-',
  'fi',
  'set --',
  `printf '${GROUP_REPORT_MARKER} %s %s %s\\n' "$group" "$ticks" "$boot"`,
  'unset stat group ticks boot',
];

/**
 * A watchdog around the step, run by `sh -c WRAPPER handrail-step`, with the step itself
 * sent on the channel's stdin.
 *
 * The step's text and variables (inputs, secrets among them) never go into the exec
 * command: sshd runs it as `$SHELL -c COMMAND`, and every user on the host sees a process's
 * arguments in ps and /proc/PID/cmdline. So the command is this fixed wrapper, with no data
 * in it, and Handrail writes ONE line to the channel's stdin: the `export NAME='value'`
 * lines and the script, every byte but a letter or digit written as `\0ooo` (octal), so the
 * line holds no newline and no shell syntax. The wrapper reads it with the shell's `read`,
 * which takes a pipe one byte at a time, so the rest of stdin (the `go` line of the gate,
 * then nothing) is left to the gate and the watchdog, and
 * decodes it with the builtin printf `%b` (builtin: no process gets it as an argument; the
 * `.` keeps trailing newlines that $(…) would strip). The step runs as `eval` in a subshell.
 *
 * Why the watchdog: stopping a remote command is otherwise up to the server. Handrail sends
 * a `signal` channel request (OpenSSH >= 7.9 answers with killpg() on the session's process
 * group), but OpenSSH refuses it for root logins ("session signalling requires privilege
 * separation"), older servers ignore it, and closing the channel alone leaves a quiet
 * command like `sleep` running with nobody watching. So the step's stdin is /dev/null (as
 * for a local step) and a watchdog reads the rest of the channel's stdin instead: Handrail
 * writes nothing after the one line and its `go`, so it ends only when the channel closes (timeout,
 * abort, Handrail gone). Then the watchdog kills the process group sshd made for this
 * session (sshd calls setsid() for each session, and a non-interactive shell starts no new
 * groups), like the SIGHUP an interactive ssh session gets. When the step ends on its own
 * the watchdog is disarmed first, so daemons a step starts on purpose are left alone, as
 * ssh(1) leaves them. A process that leaves the group itself (setsid) is out of reach either way.
 *
 * A step killed by a signal exits 128+N, as a shell reports it. If the line never arrives
 * (the channel closed first) nothing runs and the wrapper exits 125.
 */
const WRAPPER = [
  'IFS= read -r payload || exit 125',
  ...GROUP_REPORT,
  // The gate: the step starts only once Handrail has recorded the report (or never, when
  // Handrail is gone and the channel closed: the read then fails and nothing runs).
  'IFS= read -r go || exit 125',
  '[ "$go" = go ] || exit 125',
  'unset go',
  "s=$(printf '%b.' \"$payload\")",
  's=${s%.}',
  'unset payload',
  'exec 3<&0',
  '( eval "$s" ) </dev/null 3<&- &',
  'step=$!',
  'unset s',
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
 * What runs a step on the host: the fixed exec command, the one line for its stdin, and the
 * line that then lets the step start (written once the group report is recorded).
 */
export interface RemoteStep {
  command: string;
  stdin: string;
  go: string;
}

/**
 * The exec command and stdin line for `script` with `env`: `export NAME='value'` lines, then
 * the script. Variables travel with the script because sshd refuses `env` requests for
 * names its AcceptEnv does not list (by default only LANG and LC_*), and ssh2 does not
 * report the refusal: the step would run with the variables silently missing.
 */
export function remoteCommand(script: string, env: Readonly<Record<string, string>>): RemoteStep {
  // The subshell inherits the wrapper's `s` (the whole text, values included): drop it first.
  const lines: string[] = ['unset s'];
  for (const [name, value] of Object.entries(env)) {
    if (!NAME.test(name)) throw new Error(`"${name}" is not a valid environment variable name for sh`);
    if (value.includes('\0')) throw new Error(`the value of ${name} contains a NUL byte, which sh cannot hold`);
    lines.push(`export ${name}=${shellQuote(value)}`);
  }
  if (script.includes('\0')) throw new Error('the script contains a NUL byte, which sh cannot hold');
  lines.push(script);
  return { command: `sh -c ${shellQuote(WRAPPER)} handrail-step`, stdin: `${octalEscape(lines.join('\n'))}\n`, go: 'go\n' };
}

/** Every byte but [A-Za-z0-9] as `\0ooo`, which printf %b turns back into that byte. */
function octalEscape(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const alnum = (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a);
    out += alnum ? String.fromCharCode(byte) : `\\0${byte.toString(8).padStart(3, '0')}`;
  }
  return out;
}
