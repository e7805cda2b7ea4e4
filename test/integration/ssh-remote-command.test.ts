// The exec command string, run here by a real sh and bash standing in for the login shell
// sshd would start (`$SHELL -c STRING`), in a new session as sshd makes one, with the step's
// one stdin line written first as the SSH session writes it, then the `go` that opens the
// start gate once the session has recorded the group report (the first stdout line).
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { remoteCommand, shellQuote, type RemoteStep } from '../../src/targets/ssh/remote-command.js';
import { poll, until } from '../support/until.js';

interface Started {
  pid: number;
  /** stdout so far. */
  output(): string;
  /** Ends stdin, as sshd does when the channel closes. */
  closeStdin(): void;
  done: Promise<{ code: number | null; stdout: string }>;
}

const leftovers: number[] = [];

const REPORT = /^handrail-step-group [^\n]*\n/;

/**
 * `loginShell -c command`, setsid'd (detached), stdin a pipe that stays open until closed.
 * The gate is opened at once unless `gate` is false; output() is stdout without the report line.
 */
function start(loginShell: string, step: RemoteStep, gate = true): Started & { raw(): string; open(): void } {
  const child = spawn(loginShell, ['-c', step.command], { detached: true, stdio: ['pipe', 'pipe', 'inherit'] });
  child.stdin.write(gate ? step.stdin + step.go : step.stdin);
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  const done = new Promise<{ code: number | null; stdout: string }>((resolve) =>
    child.once('close', (code) => resolve({ code, stdout: stdout.replace(REPORT, '') })),
  );
  return {
    pid: child.pid ?? -1,
    output: () => stdout.replace(REPORT, ''),
    raw: () => stdout,
    open: () => child.stdin.write(step.go),
    closeStdin: () => child.stdin.end(),
    done,
  };
}

function isGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z'); // exited, not yet reaped
  } catch {
    return true;
  }
}

async function waitGone(pids: number[]): Promise<number[]> {
  await poll(() => pids.every(isGone), 200);
  return pids.filter((pid) => !isGone(pid));
}

afterEach(() => {
  for (const pid of leftovers.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

describe('remoteCommand', () => {
  const awkward = `it's "quoted" $HOME \`id\` \\ back\\slash\n  second line; rm -rf /nope '' "" !x %s`;

  it.each(['sh', 'bash'])('passes the script and env values through %s untouched', async (loginShell) => {
    const command = remoteCommand(`printf '%s|%s' "$VALUE" "$EMPTY"; printf '|%s' 'single '\\'' quote'`, {
      VALUE: awkward,
      EMPTY: '',
    });
    const run = start(loginShell, command);
    const { code, stdout } = await run.done;
    run.closeStdin();
    expect(stdout).toBe(`${awkward}||single ' quote`);
    expect(code).toBe(0);
  });

  it('passes the exit status through and gives the step /dev/null as stdin', async () => {
    const run = start('sh', remoteCommand('cat; echo read-nothing; exit 7', {}));
    // stdin stays open, as the channel's does while a step runs: cat must not wait on it.
    const { code, stdout } = await run.done;
    run.closeStdin();
    expect(stdout).toBe('read-nothing\n');
    expect(code).toBe(7);
  });

  it.each(['sh -c', 'bash --posix -c'])('kills the whole step when stdin closes (the channel closed), children included (%s)', async (sh) => {
    // The step's line was read from the same stdin: what is left of it must still reach the watchdog.
    const step = remoteCommand('sleep 30 & echo "$$ $!"; wait', {});
    const run = start('sh', { ...step, command: step.command.replace(/^sh -c/, sh) });
    await until('the step printed its pids', () => run.output().includes('\n'), 200);
    const pids = run.output().trim().split(' ').map(Number);
    leftovers.push(...pids);
    expect(pids).toHaveLength(2);
    run.closeStdin();
    await run.done;
    expect(await waitGone(pids)).toEqual([]);
  });

  it('leaves a daemon the step started on purpose alone once the step has ended', async () => {
    const run = start('sh', remoteCommand('sleep 30 >/dev/null 2>&1 & echo $!', {}));
    const { code, stdout } = await run.done;
    const daemon = Number(stdout.trim());
    leftovers.push(daemon);
    expect(code).toBe(0);
    run.closeStdin();
    await delay(200);
    expect(isGone(daemon)).toBe(false);
  });

  it.each(['sh', 'bash'])('keeps the script and values out of the command line under %s', async (loginShell) => {
    const step = remoteCommand('echo "$TOKEN"', { TOKEN: 'Sekr3t-V4lue' });
    expect(step.command).not.toContain('TOKEN');
    expect(step.command).not.toContain('Sekr3t');
    // One line with no shell syntax in it: every byte but a letter or digit is \0ooo.
    expect(step.stdin).toMatch(/^[A-Za-z0-9\\]*\n$/);
    const run = start(loginShell, step);
    const { code, stdout } = await run.done;
    run.closeStdin();
    expect(stdout).toBe('Sekr3t-V4lue\n');
    expect(code).toBe(0);
  });

  it.each([
    ['dash', 'sh -c'],
    ['bash as sh (RHEL, macOS)', 'bash --posix -c'],
    ['bash', 'bash -c'],
  ])('decodes the stdin line byte for byte when the host sh is %s', async (_label, sh) => {
    // Trailing newlines, every ASCII punctuation, invalid UTF-8 kept out (env is text), non-ASCII in.
    const value = `${Array.from({ length: 94 }, (_, i) => String.fromCharCode(33 + i)).join('')} é 日本 \t\r\n\n`;
    const step = remoteCommand('printf "%s" "$V"; printf "|%s" "$0"; exit 4', { V: value });
    const run = start('sh', { ...step, command: step.command.replace(/^sh -c/, sh) });
    const { code, stdout } = await run.done;
    run.closeStdin();
    expect(stdout).toBe(`${value}|handrail-step`);
    expect(code).toBe(4);
  });

  it.each(['sh', 'bash'])('reports the session\'s process group first, and starts the step only at the gate (%s)', async (loginShell) => {
    const marker = `/tmp/handrail-gate-${process.pid}-${loginShell}`;
    const run = start(loginShell, remoteCommand(`echo ran > ${marker}; echo ran`, {}), false);
    await until('the group report is written', () => run.raw().includes('\n'), 200);
    const stat = readFileSync(`/proc/${run.pid}/stat`, 'utf8').slice(readFileSync(`/proc/${run.pid}/stat`, 'utf8').lastIndexOf(')') + 2).split(' ');
    const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    // The child leads the session (detached = setsid), as the login shell sshd starts does.
    expect(run.raw()).toBe(`handrail-step-group ${run.pid} ${stat[19]} ${boot}\n`);
    expect(() => readFileSync(marker)).toThrow();
    run.open();
    const { code, stdout } = await run.done;
    run.closeStdin();
    expect(stdout).toBe('ran\n');
    expect(code).toBe(0);
    expect(readFileSync(marker, 'utf8')).toBe('ran\n');
    rmSync(marker);
  });

  it('runs nothing when stdin closes after the report, before the gate opens', async () => {
    const run = start('sh', remoteCommand('echo ran', {}), false);
    await until('the group report is written', () => run.raw().includes('\n'), 200);
    run.closeStdin();
    const { code, stdout } = await run.done;
    expect(stdout).toBe('');
    expect(code).toBe(125);
  });

  it('runs nothing when stdin closes before the step arrives', async () => {
    const child = spawn('sh', ['-c', remoteCommand('echo ran', {}).command], { stdio: ['pipe', 'pipe', 'inherit'] });
    child.stdin.end();
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    const code = await new Promise((resolve) => child.once('close', resolve));
    expect(stdout).toBe('');
    expect(code).toBe(125);
  });

  it('refuses names sh cannot export and NUL bytes, before anything runs', () => {
    expect(() => remoteCommand('true', { 'BAD-NAME': 'x' })).toThrow(/not a valid environment variable name/);
    expect(() => remoteCommand('true', { '1ABC': 'x' })).toThrow(/not a valid environment variable name/);
    expect(() => remoteCommand('true', { OK: 'a\0b' })).toThrow(/NUL byte/);
    expect(() => remoteCommand('echo \0', {})).toThrow(/NUL byte/);
  });

  it('quotes one word with single quotes only', () => {
    expect(shellQuote("a'b")).toBe(`'a'\\''b'`);
    expect(shellQuote('')).toBe(`''`);
  });
});
