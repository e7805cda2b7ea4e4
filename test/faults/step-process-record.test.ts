// The record a local step leaves before its command starts, and how it is recognised later:
// the command waits until the record is made (a step that could not be recorded never runs),
// and a pid the kernel gave to another process since is not taken for the step.
import { existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartedProcess } from '../../src/core/engine/ports.js';
import { createLocalShell } from '../../src/targets/local-shell.js';
import { isGroupAlive, processStartTicks, stopGroup } from '../../src/targets/process-groups.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';

let dir: string;
beforeAll(async () => {
  dir = await makeTempDir('step-record');
});
afterAll(async () => {
  await removeDir(dir);
});

const never = new AbortController().signal;

describe('a local step and its recorded process group', () => {
  it('is recorded (pid and start time) before its command runs', async () => {
    const marker = join(dir, 'ran');
    let seen: { started: StartedProcess; ranYet: boolean } | undefined;
    const result = await createLocalShell().run({
      script: `touch ${marker}`,
      env: {},
      signal: never,
      onOutput: () => {},
      onStart: (started) => {
        seen = { started, ranYet: existsSync(marker) };
      },
    });
    expect(result.exitCode).toBe(0);
    expect(existsSync(marker)).toBe(true);
    expect(seen?.ranYet).toBe(false);
    expect(seen?.started.pid).toBeGreaterThan(0);
    expect(seen?.started.startTicks).toBeGreaterThan(0);
  });

  it('never runs its command when the record could not be made', async () => {
    const marker = join(dir, 'unrecorded');
    const run = createLocalShell().run({
      script: `touch ${marker}`,
      env: {},
      signal: never,
      onOutput: () => {},
      onStart: () => {
        throw new Error('the disk holding the data folder is full');
      },
    });
    await expect(run).rejects.toThrow('the disk holding the data folder is full');
    expect(existsSync(marker)).toBe(false);
  });

  it('is recognised by pid and start time, so a reused pid is not taken for it', async () => {
    const child = spawn('sh', ['-c', 'sleep 30 & wait'], { detached: true, stdio: 'ignore' });
    const pid = child.pid ?? 0;
    const startTicks = processStartTicks(pid);
    expect(startTicks).not.toBeNull();
    expect(isGroupAlive({ pid, startTicks })).toBe(true);
    // The same pid with another start time is a different process: not the step.
    expect(isGroupAlive({ pid, startTicks: (startTicks ?? 0) + 1 })).toBe(false);

    const exited = new Promise((r) => child.once('exit', r));
    expect(await stopGroup({ pid, startTicks }, 2_000)).toBe(true);
    await exited;
    expect(isGroupAlive({ pid, startTicks })).toBe(false);
  });

  it('stays alive while a member of its group runs after the leader has exited', async () => {
    // The leader starts a background member and exits; the group lives on in that member.
    const child = spawn('sh', ['-c', 'sleep 30 >/dev/null 2>&1 &'], { detached: true, stdio: 'ignore' });
    const pid = child.pid ?? 0;
    const startTicks = processStartTicks(pid);
    await new Promise((r) => child.once('exit', r));
    expect(isGroupAlive({ pid, startTicks })).toBe(true);
    expect(await stopGroup({ pid, startTicks }, 2_000)).toBe(true);
    expect(isGroupAlive({ pid, startTicks })).toBe(false);
  });
});
