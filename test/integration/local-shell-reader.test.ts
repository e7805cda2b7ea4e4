// A fast step's pipes once its output gets heavy: the engine's thread stops being the reader,
// so a commit that holds that thread (an fsync) no longer holds up the step's producer; what
// the step printed still arrives whole, in order, per stream, and live.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OutputStream, ShellRequest } from '../../src/core/engine/ports.js';
import { createLocalShell } from '../../src/targets/local-shell.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';
import { until } from '../support/until.js';

const shell = createLocalShell();
const MiB = 1024 * 1024;

function request(script: string, overrides: Partial<ShellRequest> = {}): ShellRequest {
  return { script, env: {}, signal: new AbortController().signal, onOutput: () => {}, ...overrides };
}

/** Blocks this thread (as a long synchronous commit does) until `check` holds, a bounded number of times. */
function blockUntil(check: () => boolean, tries = 800): boolean {
  const cell = new Int32Array(new SharedArrayBuffer(4));
  for (let i = 0; i < tries; i++) {
    if (check()) return true;
    Atomics.wait(cell, 0, 0, 25);
  }
  return check();
}

function gone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

describe('local shell: reading a heavy step', () => {
  let dir: string;
  const started: number[] = [];

  beforeEach(async () => {
    dir = await makeTempDir('lshr');
  });

  afterEach(async () => {
    for (const pid of started.splice(0)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await removeDir(dir);
  });

  it('lets the step write on while the engine thread is held up by what it records', async () => {
    const done = join(dir, 'done');
    let bytes = 0;
    let finishedWhileHeld: boolean | undefined;
    const result = await shell.run(
      request(`head -c ${5 * MiB} /dev/zero; touch "${done}"`, {
        onOutput: (_stream, chunk) => {
          bytes += chunk.byteLength;
          // Once, after 2 MiB: this thread does not come back until the step has written the rest.
          if (finishedWhileHeld === undefined && bytes >= 2 * MiB) finishedWhileHeld = blockUntil(() => existsSync(done));
        },
      }),
    );
    expect(result.exitCode).toBe(0);
    expect(finishedWhileHeld).toBe(true);
    expect(bytes).toBe(5 * MiB);
  });

  it('delivers heavy stdout and stderr whole and in order, each on its own stream', async () => {
    const chunks: Record<OutputStream, Buffer[]> = { stdout: [], stderr: [] };
    const result = await shell.run(
      request('seq 1 600000; seq 1 1000 | while read n; do echo "e$n" >&2; done; seq 600001 700000', {
        onOutput: (stream, chunk) => chunks[stream].push(Buffer.from(chunk)),
      }),
    );
    expect(result.exitCode).toBe(0);
    const numbers = (from: number, to: number, prefix = '') =>
      Array.from({ length: to - from + 1 }, (_, i) => `${prefix}${from + i}\n`).join('');
    expect(Buffer.concat(chunks.stdout).toString('utf8') === numbers(1, 700000)).toBe(true);
    expect(Buffer.concat(chunks.stderr).toString('utf8')).toBe(numbers(1, 1000, 'e'));
  });

  it('hands on a line printed after heavy output while the step is still running', async () => {
    const controller = new AbortController();
    let text = '';
    const run = shell.run(
      request(`echo $$ > "${dir}/sh.pid"; head -c ${3 * MiB} /dev/zero; echo still-here; sleep 300`, {
        signal: controller.signal,
        onOutput: (_stream, chunk) => {
          text = (text + Buffer.from(chunk).toString('latin1')).slice(-64);
        },
      }),
    );
    await until('the line after 3 MiB arrived', () => text.includes('still-here'));
    controller.abort();
    const result = await run;
    expect(result.aborted).toBe(true);
  });

  it('stops the group and rejects when heavy output cannot be recorded', async () => {
    let bytes = 0;
    const run = shell.run(
      request(`echo $$ > "${dir}/sh.pid"; head -c ${4 * MiB} /dev/zero; sleep 300`, {
        onOutput: (_stream, chunk) => {
          bytes += chunk.byteLength;
          if (bytes >= 2 * MiB) throw new Error('disk full');
        },
      }),
    );
    await expect(run).rejects.toThrow('disk full');
    const pid = Number(readFileSync(join(dir, 'sh.pid'), 'utf8').trim());
    started.push(pid);
    await until('the step is gone', () => gone(pid));
  });
});
