// Checking and stopping, over a new SSH connection, the process group a step left running on
// its host when Handrail died with the network cut (sshd never saw the channel close, so the
// watchdog of remote-command.ts never fired). The group is the one the wrapper reported
// before the step started; it is the step's only if the host was not restarted since (boot
// id) and its leader, when still there, is the same process (start time): Linux never hands
// out a pid still used as a process group id, so members left in the group are the step's.
// Everything is read from /proc with shell builtins: on a host without it (not Linux, or
// /proc hidden) the answer is `unknown`, never a guess.
import type { SshSession } from './ssh-session.js';

/** What the recorded group is now, on its host. */
export type RemoteGroupState =
  | { state: 'running'; members: number[] }
  | { state: 'gone'; why: string }
  | { state: 'stopped' }
  | { state: 'unstoppable'; members: number[] }
  | { state: 'unknown'; why: string };

export interface RemoteGroup {
  group: number;
  startTicks: number | null;
  bootId: string | null;
}

const COMMON = `
members() {
  found=
  for d in /proc/[0-9]*; do
    { IFS= read -r st <"$d/stat"; } 2>/dev/null || continue
    st=\${st##*) }
    set -f; set -- $st; set +f
    if [ "$3" = "$HR_GROUP" ] && [ "$1" != Z ]; then found="$found \${d#/proc/}"; fi
  done
  echo "\${found# }"
}
if ! { IFS= read -r boot </proc/sys/kernel/random/boot_id; } 2>/dev/null || ! [ -r /proc/self/stat ]; then
  echo "unknown the host has no readable /proc (not Linux, or /proc hidden)"; exit 0
fi
[ "$boot" = "$HR_BOOT" ] || { echo "gone the host was restarted since the step started"; exit 0; }
if { IFS= read -r st </proc/$HR_GROUP/stat; } 2>/dev/null; then
  st=\${st##*) }; set -f; set -- $st; set +f
  [ "\${20}" = "$HR_TICKS" ] || { echo "gone its leader's pid now belongs to another process"; exit 0; }
fi
m=$(members)
[ -n "$m" ] || { echo "gone no process is left in the group"; exit 0; }
`;

const CHECK = `${COMMON}echo "running $m"\n`;

const STOP = `${COMMON}
pause() { sleep 0.1 2>/dev/null || sleep 1; }
kill -s TERM -- -"$HR_GROUP" 2>/dev/null
i=0
while [ "$i" -lt "$HR_GRACE_TENTHS" ] && [ -n "$(members)" ]; do pause; i=$((i+1)); done
if [ -n "$(members)" ]; then
  kill -s KILL -- -"$HR_GROUP" 2>/dev/null
  i=0
  while [ "$i" -lt 100 ] && [ -n "$(members)" ]; do pause; i=$((i+1)); done
fi
m=$(members)
if [ -n "$m" ]; then echo "unstoppable $m"; else echo stopped; fi
`;

/** Whether the recorded group still has a live member on the host. */
export function checkRemoteGroup(session: SshSession, group: RemoteGroup): Promise<RemoteGroupState> {
  return probe(session, group, CHECK, {}, 30_000);
}

/** SIGTERM to the group, SIGKILL after `graceMs`, then waits until no member is left. */
export function stopRemoteGroup(session: SshSession, group: RemoteGroup, graceMs: number): Promise<RemoteGroupState> {
  return probe(session, group, STOP, { HR_GRACE_TENTHS: String(Math.ceil(graceMs / 100)) }, graceMs + 40_000);
}

async function probe(session: SshSession, group: RemoteGroup, script: string, extra: Record<string, string>, timeoutMs: number): Promise<RemoteGroupState> {
  if (group.bootId === null || group.startTicks === null) {
    return { state: 'unknown', why: 'the host had no readable /proc when the step started (not Linux, or /proc hidden), so its process group could not be told from another' };
  }
  const env = { HR_GROUP: String(group.group), HR_TICKS: String(group.startTicks), HR_BOOT: group.bootId, ...extra };
  let stdout = '';
  let result;
  try {
    result = await session.run({
      script,
      env,
      timeoutMs,
      signal: new AbortController().signal,
      onOutput: (stream, chunk) => {
        if (stream === 'stdout' && stdout.length < 65_536) stdout += Buffer.from(chunk).toString('utf8');
      },
    });
  } catch (error) {
    return { state: 'unknown', why: (error as Error).message };
  }
  const last = stdout.trim().split('\n').at(-1) ?? '';
  const match = /^(running|gone|stopped|unstoppable|unknown)(?: (.*))?$/.exec(last);
  if (result.exitCode !== 0 || match === null) {
    const ended = result.timedOut ? `did not answer within ${timeoutMs} ms` : `ended with ${result.exitCode ?? result.signal} and said "${last.slice(0, 200)}"`;
    return { state: 'unknown', why: `the check on the host ${ended}` };
  }
  const rest = match[2] ?? '';
  const pids = rest.split(' ').filter(Boolean).map(Number);
  switch (match[1]) {
    case 'running':
      return { state: 'running', members: pids };
    case 'unstoppable':
      return { state: 'unstoppable', members: pids };
    case 'stopped':
      return { state: 'stopped' };
    case 'gone':
      return { state: 'gone', why: rest };
    default:
      return { state: 'unknown', why: rest };
  }
}
