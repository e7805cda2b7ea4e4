import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OutputStream, ShellRequest } from '../../src/core/engine/ports.js';
import { createLocalShell } from '../../src/targets/local-shell.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';
import { poll } from '../support/until.js';

const shell = createLocalShell();

/** A request with no limit, a live signal and output dropped; override what a test needs. */
function request(script: string, overrides: Partial<ShellRequest> = {}): ShellRequest {
  return { script, env: {}, signal: new AbortController().signal, onOutput: () => {}, ...overrides };
}

/** Collects output per stream, so tests can compare the concatenated text. */
function collector() {
  const chunks: Record<OutputStream, Buffer[]> = { stdout: [], stderr: [] };
  return {
    onOutput: (stream: OutputStream, chunk: Uint8Array) => chunks[stream].push(Buffer.from(chunk)),
    text: (stream: OutputStream) => Buffer.concat(chunks[stream]).toString('utf8'),
  };
}

/**
 * True when `pid` no longer runs. A zombie counts as gone: it has exited and only waits to
 * be reaped. That matters here because an orphaned grandchild is re-parented to PID 1, and
 * in some containers PID 1 never reaps, so `kill(pid, 0)` keeps succeeding on the zombie.
 */
function isGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true; // vanished between the two checks
  }
}

/** Polls (bounded) until every pid is gone; returns the ones still running. */
async function survivors(pids: number[]): Promise<number[]> {
  await poll(() => pids.every(isGone), 200);
  return pids.filter((pid) => !isGone(pid));
}

async function readPids(dir: string, names: string[]): Promise<number[]> {
  return Promise.all(names.map(async (name) => Number((await readFile(join(dir, name), 'utf8')).trim())));
}

describe('local shell executor', () => {
  let dir: string;
  const started: number[] = [];

  beforeEach(async () => {
    dir = await makeTempDir('lsh');
  });

  afterEach(async () => {
    // A failed assertion must not leave `sleep 300` behind.
    for (const pid of started.splice(0)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await removeDir(dir);
  });

  it('reports exit code 0 and delivers stdout and stderr chunks', async () => {
    const out = collector();
    const result = await shell.run(request('echo hello; echo oops >&2; printf "a\\nb"', { onOutput: out.onOutput }));
    expect(result).toMatchObject({ exitCode: 0, signal: null, timedOut: false, aborted: false });
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
    expect(out.text('stdout')).toBe('hello\na\nb');
    expect(out.text('stderr')).toBe('oops\n');
  });

  it('passes the step variables on top of the parent environment', async () => {
    const out = collector();
    const env = { HANDRAIL_GREETING: 'hi there', HANDRAIL_EMPTY: '' };
    const script = 'printf "%s|%s|" "$HANDRAIL_GREETING" "${HANDRAIL_EMPTY-unset}"; test -n "$PATH" && echo path';
    const result = await shell.run(request(script, { env, onOutput: out.onOutput }));
    expect(result.exitCode).toBe(0);
    expect(out.text('stdout')).toBe('hi there||path\n');
  });

  it('closes stdin, so cat reads EOF and exits at once', async () => {
    const out = collector();
    const result = await shell.run(request('cat; echo "cat exited $?"', { onOutput: out.onOutput }));
    expect(result.exitCode).toBe(0);
    expect(out.text('stdout')).toBe('cat exited 0\n');
  });

  it('reports a non-zero exit code', async () => {
    const result = await shell.run(request('exit 3'));
    expect(result).toMatchObject({ exitCode: 3, signal: null, timedOut: false, aborted: false });
  });

  it('reports the signal that ended the shell', async () => {
    const result = await shell.run(request('kill -9 $$'));
    expect(result).toMatchObject({ exitCode: null, signal: 'SIGKILL', timedOut: false, aborted: false });
  });

  it('on timeout kills the whole process group, background children included', async () => {
    const script = `sleep 300 & echo $! > "${dir}/bg.pid"; echo $$ > "${dir}/sh.pid"; sleep 300`;
    const result = await shell.run(request(script, { timeoutMs: 300 }));
    const pids = await readPids(dir, ['bg.pid', 'sh.pid']);
    started.push(...pids);
    expect(result).toMatchObject({ exitCode: null, signal: 'SIGTERM', timedOut: true, aborted: false });
    expect(await survivors(pids)).toEqual([]);
  });

  it('on abort kills the whole process group, nested shells included', async () => {
    const controller = new AbortController();
    const script =
      `sleep 300 & echo $! > "${dir}/bg.pid"; ` +
      `sh -c 'echo $$ > "${dir}/nested.pid"; sleep 300; echo not-reached' & ` +
      `echo $$ > "${dir}/sh.pid"; ` +
      `while [ ! -s "${dir}/nested.pid" ]; do :; done; echo ready; wait`;
    const result = await shell.run(
      request(script, {
        signal: controller.signal,
        onOutput: (_stream, chunk) => {
          if (Buffer.from(chunk).toString().includes('ready')) controller.abort();
        },
      }),
    );
    const pids = await readPids(dir, ['bg.pid', 'nested.pid', 'sh.pid']);
    started.push(...pids);
    expect(result).toMatchObject({ exitCode: null, signal: 'SIGTERM', timedOut: false, aborted: true });
    expect(await survivors(pids)).toEqual([]);
  });

  it('runs nothing when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const marker = join(dir, 'ran');
    const result = await shell.run(request(`touch "${marker}"`, { signal: controller.signal }));
    expect(result).toMatchObject({ exitCode: null, signal: null, timedOut: false, aborted: true });
    expect(existsSync(marker)).toBe(false);
  });

  it('rejects with a message naming the shell, the local target and that nothing ran', async () => {
    const broken = createLocalShell({ shellPath: join(dir, 'no-such-sh') });
    const marker = join(dir, 'ran');
    const run = broken.run(request(`touch "${marker}"`));
    await expect(run).rejects.toThrow(/Could not start .*no-such-sh on target "local".*Nothing ran/);
    expect(existsSync(marker)).toBe(false);
  });

  it('stops the group and rejects when output cannot be recorded', async () => {
    const script = `echo $$ > "${dir}/sh.pid"; echo first; sleep 300`;
    const failing = request(script, {
      onOutput: () => {
        throw new Error('disk full');
      },
    });
    await expect(shell.run(failing)).rejects.toThrow('disk full');
    const pids = await readPids(dir, ['sh.pid']);
    started.push(...pids);
    expect(await survivors(pids)).toEqual([]);
  });

  it('streams 200 MB of output without holding it in memory', async () => {
    const size = 200_000_000;
    let bytes = 0;
    let peakRss = 0;
    const startRss = process.memoryUsage().rss;
    const result = await shell.run(
      request(`head -c ${size} /dev/zero`, {
        onOutput: (_stream, chunk) => {
          bytes += chunk.byteLength;
          peakRss = Math.max(peakRss, process.memoryUsage().rss);
        },
      }),
    );
    expect(result.exitCode).toBe(0);
    expect(bytes).toBe(size);
    expect(peakRss - startRss).toBeLessThan(100 * 1024 * 1024);
  });
});
