// A dropped SSH connection must fail the running step with a clear error within the
// keepalive window, never hang, and later steps must fail at once (docs/ARCHITECTURE.md,
// "Testing": fault tests). Each test gets its own sshd, since each one breaks it.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ShellResult } from '../../src/core/engine/ports.js';
import type { SshSession } from '../../src/targets/ssh/ssh-connection.js';
import { type SshdHandle, startSshd } from '../support/sshd.js';
import { connectToSshd } from '../support/ssh-target.js';
import { poll } from '../support/until.js';

// Short keepalives so a frozen host is noticed in about two seconds; the test timeout, not
// an assertion on timing, is what proves nothing hangs.
const KEEPALIVE_MS = 500;

describe('SSH connection faults', () => {
  let sshd: SshdHandle;
  let session: SshSession;

  beforeEach(async () => {
    sshd = await startSshd();
    session = await connectToSshd(sshd, { keepaliveIntervalMs: KEEPALIVE_MS, keepaliveCountMax: 3 });
  });

  afterEach(async () => {
    sshd?.kill('SIGCONT');
    await session?.close();
    await sshd?.stop();
  });

  /**
   * Starts `echo started; sleep 30` and resolves once "started" has arrived. The run is
   * wrapped in an object: an async function returning it bare would wait for it to end.
   */
  async function startLongStep(): Promise<{ running: Promise<ShellResult> }> {
    let started!: () => void;
    const seen = new Promise<void>((resolve) => (started = resolve));
    const running = session.run({
      script: 'echo started; sleep 30; echo finished',
      env: {},
      signal: new AbortController().signal,
      onOutput: (_stream, chunk) => {
        if (Buffer.from(chunk).toString().includes('started')) started();
      },
    });
    running.catch(() => {}); // observed below; keeps an early rejection from going unhandled
    await seen;
    return { running };
  }

  async function expectLaterRunsFailFast(): Promise<void> {
    expect(session.alive).toBe(false);
    await expect(
      session.run({ script: 'echo again', env: {}, signal: new AbortController().signal, onOutput: () => {} }),
    ).rejects.toThrow(/^the SSH connection to root@127\.0\.0\.1:\d+ was lost \(.*\); nothing was run\./);
  }

  it('fails the running step when sshd is killed mid-step', async () => {
    const { running } = await startLongStep();
    sshd.kill('SIGKILL');
    await expect(running).rejects.toThrow(
      /^the SSH connection to root@127\.0\.0\.1:\d+ was lost while the step was running \(.+\)\. .*Check on the host before retrying the step\.$/,
    );
    await expectLaterRunsFailFast();
  });

  it('fails the running step within the keepalive window when sshd freezes (SIGSTOP)', async () => {
    const { running } = await startLongStep();
    sshd.kill('SIGSTOP');
    await expect(running).rejects.toThrow(
      `was lost while the step was running (no answer to 3 keepalives sent every ${KEEPALIVE_MS} ms)`,
    );
    await expectLaterRunsFailFast();
  }, 15_000);

  it('notices a connection dropped between steps and fails the next step at once', async () => {
    expect(session.alive).toBe(true);
    sshd.dropConnections('SIGKILL');
    await poll(() => !session.alive, 200);
    await expectLaterRunsFailFast();
  });

  it('ends close() promptly even when the host is frozen', async () => {
    sshd.kill('SIGSTOP');
    await session.close();
    expect(session.alive).toBe(false);
  });
});

describe('SSH step that the host will not stop', () => {
  let sshd: SshdHandle;

  beforeAll(async () => {
    // A forced command replaces Handrail's wrapper, and sshd refuses signal requests for
    // forced-command sessions: nothing Handrail sends can end it, as on a restricted host.
    // It prints its pid: once the connection is gone it is orphaned, out of the harness's reach.
    sshd = await startSshd({ extraConfig: ['ForceCommand echo $$; exec sleep 30'] });
  });

  afterAll(async () => {
    await sshd?.stop();
  });

  it('fails the step after the stop grace, saying the command may still be running', async () => {
    const session = await connectToSshd(sshd, { stopGraceMs: 500 });
    let forcedPid = 0;
    try {
      const controller = new AbortController();
      const running = session.run({
        script: 'echo never-runs',
        env: {},
        signal: controller.signal,
        onOutput: (_stream, chunk) => {
          forcedPid = Number(Buffer.from(chunk).toString().trim());
          controller.abort();
        },
      });
      await expect(running).rejects.toThrow(
        /^the step on root@127\.0\.0\.1:\d+ was aborted, but the host did not confirm within 500 ms that the command ended: it may still be running there/,
      );
      expect(session.alive).toBe(true);
    } finally {
      await session.close();
      if (forcedPid > 0) process.kill(forcedPid, 'SIGKILL');
    }
  });
});
