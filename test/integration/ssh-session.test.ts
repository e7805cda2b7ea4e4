// The SSH target against a real OpenSSH sshd on loopback: running steps, stopping them,
// reusing the connection, and the messages a failed connection gives.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutputStream, ShellRequest } from '../../src/core/engine/ports.js';
import type { SshConnectOptions, SshSession } from '../../src/targets/ssh/ssh-connection.js';
import { freePort } from '../support/free-port.js';
import { runChecked } from '../support/run-command.js';
import { type SshdHandle, startSshd } from '../support/sshd.js';
import { connectToSshd } from '../support/ssh-target.js';
import { poll, until } from '../support/until.js';

const PASSPHRASE = 'correct horse';

function connectTo(sshd: SshdHandle, overrides: Partial<SshConnectOptions> = {}): Promise<SshSession> {
  return connectToSshd(sshd, overrides);
}

/** Runs `script` and collects its output per stream. */
async function run(session: SshSession, script: string, overrides: Partial<ShellRequest> = {}) {
  const chunks: Record<OutputStream, Buffer[]> = { stdout: [], stderr: [] };
  const result = await session.run({
    script,
    env: {},
    signal: new AbortController().signal,
    onOutput: (stream, chunk) => chunks[stream].push(Buffer.from(chunk)),
    ...overrides,
  });
  const text = (stream: OutputStream) => Buffer.concat(chunks[stream]).toString('utf8');
  return { result, stdout: text('stdout'), stderr: text('stderr') };
}

/** True when `pid` no longer runs (a zombie has exited, it only waits to be reaped). */
function isGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

async function waitGone(pids: number[]): Promise<number[]> {
  await poll(() => pids.every(isGone), 200);
  return pids.filter((pid) => !isGone(pid));
}

describe('SSH session against a real sshd', () => {
  let sshd: SshdHandle;
  let session: SshSession;

  beforeAll(async () => {
    sshd = await startSshd({ userKeyPassphrase: PASSPHRASE });
    session = await connectTo(sshd);
  });

  afterAll(async () => {
    await session?.close();
    await sshd?.stop();
  });

  it('streams stdout and stderr and reports the exit code', async () => {
    const { result, stdout, stderr } = await run(session, 'echo out; echo err >&2; exit 3');
    expect(stdout).toBe('out\n');
    expect(stderr).toBe('err\n');
    expect(result).toMatchObject({ exitCode: 3, signal: null, timedOut: false, aborted: false });
  });

  it('reports a failing command with its exit code', async () => {
    expect((await run(session, 'false')).result.exitCode).toBe(1);
    expect((await run(session, 'ls /no/such/dir')).result.exitCode).not.toBe(0);
  });

  it('hands env variables to the remote script, quoted exactly', async () => {
    const tricky = `it's "quoted" $HOME \`id\`\nsecond line`;
    const { stdout } = await run(session, 'printf "%s|%s" "$TRICKY" "$PLAIN"', { env: { TRICKY: tricky, PLAIN: 'v' } });
    expect(stdout).toBe(`${tricky}|v`);
  });

  it('passes output on as it arrives, before the step ends', async () => {
    // The step waits for a file the test creates only once "first" has arrived, so it can
    // only finish if output is streamed rather than handed over at the end.
    const flag = join(sshd.dir, 'first-seen');
    let output = '';
    const { result } = await run(session, `echo first; while [ ! -e '${flag}' ]; do sleep 0.05; done; echo second`, {
      timeoutMs: 20_000,
      onOutput: (_stream, chunk) => {
        output += Buffer.from(chunk).toString();
        if (output === 'first\n') writeFileSync(flag, '');
      },
    });
    expect(result).toMatchObject({ exitCode: 0, timedOut: false });
    expect(output).toBe('first\nsecond\n');
  });

  it('gives the step an empty stdin, so a command that reads it does not wait', async () => {
    expect((await run(session, 'cat; echo after-cat')).stdout).toBe('after-cat\n');
  });

  it('reuses one connection for several steps', async () => {
    // SSH_CLIENT names the client's port: the same for every step on one connection.
    const ports = [];
    for (let step = 0; step < 3; step++) {
      const { stdout, result } = await run(session, 'echo "$SSH_CLIENT"');
      expect(result.exitCode).toBe(0);
      ports.push(stdout.split(' ')[1]);
    }
    expect(new Set(ports).size).toBe(1);
    expect(session.alive).toBe(true);
  });

  it('kills the remote command at its timeout, and the session goes on working', async () => {
    let printed = '';
    // 2 s: long enough for the shell to print its pids first on a loaded machine, where 500 ms
    // once ran out before the echo.
    const { result } = await run(session, 'sleep 30 & echo "$$ $!"; wait', {
      timeoutMs: 2_000,
      onOutput: (_stream, chunk) => (printed += Buffer.from(chunk).toString()),
    });
    expect(result.timedOut).toBe(true);
    expect(result.exitCode).not.toBe(0);
    const pids = printed.trim().split(' ').map(Number);
    expect(pids).toHaveLength(2);
    expect(await waitGone(pids)).toEqual([]);
    expect((await run(session, 'echo still-here')).stdout).toBe('still-here\n');
  });

  it('kills the remote command when the operator aborts', async () => {
    const controller = new AbortController();
    const { result, stdout } = await run(session, 'echo started; sleep 30; echo finished', {
      signal: controller.signal,
      onOutput: () => controller.abort(),
    });
    expect(result).toMatchObject({ aborted: true, timedOut: false });
    expect(stdout).not.toContain('finished');
  });

  it('does not start a step that was aborted before it began', async () => {
    const controller = new AbortController();
    controller.abort();
    const { result, stdout } = await run(session, 'echo should-not-run', { signal: controller.signal });
    expect(result).toMatchObject({ aborted: true, exitCode: null, durationMs: 0 });
    expect(stdout).toBe('');
  });

  it('stops the step and fails when output cannot be recorded', async () => {
    const pending = session.run({
      script: 'echo one; sleep 30',
      env: {},
      signal: new AbortController().signal,
      onOutput: () => {
        throw new Error('disk full');
      },
    });
    await expect(pending).rejects.toThrow('disk full');
    expect((await run(session, 'echo fine')).stdout).toBe('fine\n');
  });

  it('refuses an env name sh cannot export, before running anything', async () => {
    await expect(run(session, 'true', { env: { 'NOT-A-NAME': 'x' } })).rejects.toThrow(
      /cannot run the step on root@127\.0\.0\.1:\d+: "NOT-A-NAME" is not a valid .*nothing was run/,
    );
  });

  it('logs in with a passphrase-protected key once the passphrase is given', async () => {
    const key = sshd.encryptedUserKey?.path ?? '';
    await expect(connectTo(sshd, { identityPath: key })).rejects.toThrow(/is encrypted and no passphrase was given; nothing was run/);
    await expect(connectTo(sshd, { identityPath: key, passphrase: async () => 'wrong' })).rejects.toThrow(
      /the passphrase for the identity file .* is wrong; nothing was run/,
    );
    const second = await connectTo(sshd, { identityPath: key, passphrase: async () => PASSPHRASE, target: 'app' });
    expect((await run(second, 'echo ok')).stdout).toBe('ok\n');
    await second.close();
    await expect(run(second, 'echo late')).rejects.toThrow(/the SSH session to target "app" \(root@127\.0\.0\.1:\d+\) was already closed; nothing was run/);
  });

  it('says the login was refused when the key is not authorised', async () => {
    const stranger = join(sshd.dir, 'stranger');
    await runChecked('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', stranger]);
    await expect(connectTo(sshd, { identityPath: stranger, target: 'app' })).rejects.toThrow(
      /^SSH to target "app" \(root@127\.0\.0\.1:\d+\): 127\.0\.0\.1:\d+ refused the login as "root" .*authorized_keys.*; nothing was run$/,
    );
  });

  it('logs in with the keys of ssh-agent when no identity file is given', async () => {
    const socket = join(sshd.dir, 'agent.sock');
    const agent = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
    const saved = process.env['SSH_AUTH_SOCK'];
    try {
      await until('ssh-agent made its socket', () => existsSync(socket), 200);
      await runChecked('ssh-add', ['-q', sshd.userKeyPath], { env: { ...process.env, SSH_AUTH_SOCK: socket } });
      process.env['SSH_AUTH_SOCK'] = socket;
      const viaAgent = await connectTo(sshd, { identityPath: undefined });
      expect((await run(viaAgent, 'echo agent')).stdout).toBe('agent\n');
      await viaAgent.close();

      await expect(connectTo(sshd, { identityPath: undefined, useAgent: false })).rejects.toThrow(
        /no identity file is configured and no ssh-agent is available .*; nothing was run$/,
      );
    } finally {
      if (saved === undefined) delete process.env['SSH_AUTH_SOCK'];
      else process.env['SSH_AUTH_SOCK'] = saved;
      agent.kill('SIGKILL');
    }
  });

  it('says which identity file is missing', async () => {
    await expect(connectTo(sshd, { identityPath: join(sshd.dir, 'nope') })).rejects.toThrow(
      /cannot read the identity file .*nope \(ENOENT\).*nothing was run/,
    );
  });

  it('says the connection was refused on a closed port', async () => {
    const port = await freePort();
    await expect(connectTo(sshd, { port })).rejects.toThrow(
      `SSH to root@127.0.0.1:${port}: connection refused on 127.0.0.1:${port}; ` +
        `check that sshd runs on the host and listens on port ${port}; nothing was run`,
    );
  });
});
