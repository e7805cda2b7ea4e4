// The console's first screen over a known workspace (the app's info and the Runbooks view's
// list, from the verdicts the data folder kept) must not wait for the Markdown, SQL and shell
// parsers, the wasm grammar, YAML, the SSH and PostgreSQL clients or the diff library: each is
// tens to hundreds of milliseconds of start-up the operator waits for. They load when a view
// that needs them is opened. What the server loaded is read through a module hook, not timed.
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { onProcessExit } from '../support/exit-cleanup.js';
import { handrailChild } from '../support/handrail-cli.js';
import { heavyAmong, moduleLog } from '../support/loaded-packages.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';

let dir: string;
beforeAll(async () => {
  dir = await makeTempDir('serve-start-modules');
});
afterAll(() => removeDir(dir));

interface Answer {
  id: number;
  result?: unknown;
  error?: { code: string; message: string };
}

/** Starts `handrail serve` with `env`, makes `calls` over its WebSocket as the console does, stops it; returns the answers. */
async function serveAndCall(env: Record<string, string>, calls: string[]): Promise<unknown[]> {
  const child: ChildProcess = handrailChild(['serve', '--port', '0'], { dataDir: join(dir, 'data'), env });
  const unregister = onProcessExit(() => child.kill('SIGKILL'));
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    const url = new URL(
      await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout?.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('\n')) resolve(out.split('\n')[0] ?? '');
        });
        void exited.then((code) => reject(new Error(`handrail serve exited (${code}) before printing its URL:\n${stderr}`)));
      }),
    );
    const socket = new WebSocket(`ws://127.0.0.1:${url.port}/api/ws`, { headers: { Origin: url.origin, Authorization: `Bearer ${url.searchParams.get('token')}` } });
    const answers = new Map<number, Answer>();
    const arrived = new Set<() => void>();
    let judged = false;
    socket.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString()) as Partial<Answer> & { event?: { type: string } };
      if (typeof message.id === 'number') answers.set(message.id, message as Answer);
      if (message.event?.type === 'runbooks-judged') judged = true;
      for (const wake of arrived) wake();
    });
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    calls.forEach((op, id) => socket.send(JSON.stringify({ id, op, request: {} })));
    await new Promise<void>((resolve) => {
      const check = () => {
        if (answers.size === calls.length) resolve();
      };
      arrived.add(check);
      check();
    });
    // A data folder that has not seen the workspace lists it while judging it: its verdicts are
    // in once the server says so, and that list is the one kept for the next start.
    const list = calls.indexOf('listRunbooks');
    const judging = (answers.get(list)?.result as { runbooks?: { judging?: boolean }[] } | undefined)?.runbooks?.some((r) => r.judging === true);
    if (list >= 0 && judging) {
      await new Promise<void>((resolve) => {
        const check = () => judged && resolve();
        arrived.add(check);
        check();
      });
      answers.delete(list);
      socket.send(JSON.stringify({ id: list, op: 'listRunbooks', request: {} }));
      await new Promise<void>((resolve) => {
        const check = () => answers.has(list) && resolve();
        arrived.add(check);
        check();
      });
    }
    socket.close();
    return calls.map((op, id) => {
      const answer = answers.get(id);
      expect(answer?.error, `${op}: ${answer?.error?.message}\n${stderr}`).toBeUndefined();
      return answer?.result;
    });
  } finally {
    child.kill('SIGTERM');
    expect(await exited, stderr).toBe(0);
    unregister();
  }
}

describe('start-up of the console over a known workspace', () => {
  it('answers the first screen without loading a parser, wasm grammar, YAML, ssh2, pg or diff', async () => {
    const first = await serveAndCall({}, ['appInfo', 'listRunbooks']);
    expect(existsSync(join(dir, 'data', 'cache', 'console-runbooks.json'))).toBe(true);

    const log = moduleLog();
    const again = await serveAndCall(log.env, ['appInfo', 'listRunbooks']);
    // The same list as the console that judged every runbook.
    expect(again[1]).toEqual(first[1]);
    expect(log.packages()).toContain('better-sqlite3');
    // zod stays: the server checks every call against the API's schemas at the edge.
    expect(heavyAmong(log.packages()).filter((name) => name !== 'zod')).toEqual([]);
  });
});
