// The contract over `handrail serve`'s WebSocket, as the browser console uses it: calls
// answered by id, malformed calls refused at the edge with nothing done, and every console
// event pushed to every open console. The real CLI in a child process, real workspace files.
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { onProcessExit } from '../support/exit-cleanup.js';
import { handrailChild } from '../support/handrail-cli.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';

type Message = { id?: number; result?: Record<string, unknown>; error?: { code: string; message: string }; event?: { type: string; runId?: string } };

let dir: string;
let workspace: string;
let child: ChildProcess;
let url: URL;
let stderr = '';

beforeAll(async () => {
  dir = await makeTempDir('serve-api');
  workspace = join(dir, 'ws');
  mkdirSync(workspace);
  writeFileSync(join(workspace, 'handrail.yml'), 'environments:\n  dev:\n    targets: {}\n');
  writeFileSync(
    join(workspace, 'hello.md'),
    '---\nid: hello\ntitle: Say hello\nversion: 1.2.3\nowner: tests\n---\n\n# Say hello\n\n## Wave\n\nWave at the camera, then mark this step done.\n',
  );
  child = handrailChild(['serve', '--port', '0'], { dataDir: join(dir, 'data'), workspace });
  const unregister = onProcessExit(() => child.kill('SIGKILL'));
  child.once('exit', unregister);
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  url = new URL(
    await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout?.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('\n')) resolve(out.split('\n')[0] ?? '');
      });
      child.once('exit', (code) => reject(new Error(`handrail serve exited (${code}) before printing its URL:\n${stderr}`)));
    }),
  );
});

afterAll(async () => {
  if (child.exitCode === null) {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
  await removeDir(dir);
});

/** One open console: every message it received, and a way to wait for the one we expect. */
class Console {
  readonly messages: Message[] = [];
  private waiters: (() => void)[] = [];
  private nextId = 1;
  readonly closed: Promise<number>;

  constructor(readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => {
      this.messages.push(JSON.parse(data.toString()) as Message);
      for (const wake of this.waiters) wake();
    });
    this.closed = new Promise((resolve) => socket.once('close', (code) => resolve(code)));
  }

  static async open(): Promise<Console> {
    const headers = { Origin: url.origin, Authorization: `Bearer ${url.searchParams.get('token')}` };
    const socket = new WebSocket(`ws://127.0.0.1:${url.port}/api/ws`, { headers });
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    return new Console(socket);
  }

  waitFor(match: (m: Message) => boolean): Promise<Message> {
    return new Promise((resolve) => {
      const check = () => {
        const found = this.messages.find(match);
        if (found === undefined) return;
        this.waiters = this.waiters.filter((w) => w !== check);
        resolve(found);
      };
      this.waiters.push(check);
      check();
    });
  }

  /** Sends a raw call and waits for the answer with its id. */
  async call(op: string, request: unknown): Promise<Message> {
    const id = this.nextId++;
    this.socket.send(JSON.stringify({ id, op, request }));
    return this.waitFor((m) => m.id === id);
  }
}

describe("handrail serve's WebSocket API", () => {
  it('answers appInfo and listRunbooks for the workspace it was started on', async () => {
    const page = await Console.open();
    const info = await page.call('appInfo', {});
    expect(info.error).toBeUndefined();
    expect(info.result).toMatchObject({ operator: 'tester', workspace, dataDir: join(dir, 'data') });
    const list = await page.call('listRunbooks', {});
    expect(list.error).toBeUndefined();
    const runbooks = list.result?.runbooks as { id: string; title: string; version: string }[];
    expect(runbooks.map((r) => [r.id, r.title, r.version])).toEqual([['hello', 'Say hello', '1.2.3']]);
    page.socket.close();
  });

  it('refuses a malformed request as invalid, naming the field, and runs nothing', async () => {
    const page = await Console.open();
    const bad = await page.call('startRun', { runbook: 'hello', environment: 'dev', inputs: { who: 42 } });
    expect(bad.error?.code).toBe('invalid');
    expect(bad.error?.message).toContain('inputs.who');
    expect(bad.result).toBeUndefined();
    const missing = await page.call('getRun', {});
    expect(missing.error?.code).toBe('invalid');
    expect(missing.error?.message).toContain('runId');
    const unknown = await page.call('dropEverything', {});
    expect(unknown.error?.code).toBe('invalid');
    expect(unknown.error?.message).toContain('dropEverything');
    // The refused startRun did not start anything.
    const runs = await page.call('listRuns', {});
    expect(runs.result).toMatchObject({ total: 0, runs: [] });
    // The socket is still usable after refusals.
    expect(page.socket.readyState).toBe(WebSocket.OPEN);
    page.socket.close();
  });

  it('closes a socket that sends something other than a call', async () => {
    const notJson = await Console.open();
    notJson.socket.send('DROP TABLE runs;');
    expect(await notJson.closed).toBe(1008);
    const binary = await Console.open();
    binary.socket.send(Buffer.from([1, 2, 3]));
    expect(await binary.closed).toBe(1003);
  });

  it("pushes a run's events to every open console, not just the one that started it", async () => {
    const operator = await Console.open();
    const watcher = await Console.open();
    const started = await operator.call('startRun', { runbook: 'hello', environment: 'dev', inputs: {} });
    expect(started.error).toBeUndefined();
    const runId = started.result?.runId as string;
    const seen = await watcher.waitFor((m) => m.event?.type === 'run-changed' && m.event.runId === runId);
    expect(seen.id).toBeUndefined();
    const aborted = await operator.call('abortRun', { runId });
    expect(aborted.error).toBeUndefined();
    operator.socket.close();
    watcher.socket.close();
  });
});
