// The desktop app's service process, driven by the same ServiceHost main uses, through a
// real child process running src/electron/service-process.ts with a real ConsoleService and
// a fresh data folder. (In the app it is an Electron utilityProcess; the messages are the same.)
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleEvent } from '../../src/contract/api.js';
import { ServiceHost, type ServicePort } from '../../src/electron/service-host.js';
import { onProcessExit } from '../support/exit-cleanup.js';
import { DEMO } from '../support/handrail-cli.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';

const ENTRY = join(import.meta.dirname, '../../src/electron/service-process.ts');
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

interface Started {
  kill(): void;
  exited: Promise<void>;
}

/** A ServiceHost whose service runs as a Node child process on `dataDir`; `started` lists each process it spawned. */
function serviceHost(dataDir: string): { host: ServiceHost; started: Started[] } {
  const started: Started[] = [];
  const host = new ServiceHost((): ServicePort => {
    const child = fork(ENTRY, [], {
      execArgv: ['--import', TSX],
      env: { ...process.env, HANDRAIL_DATA_DIR: dataDir, HANDRAIL_WORKSPACE: DEMO, HANDRAIL_OPERATOR: 'tester' },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
    });
    const forget = onProcessExit(() => child.kill('SIGKILL'));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    void exited.then(forget);
    started.push({ kill: () => child.kill('SIGKILL'), exited });
    return {
      send: (message) => child.send(message),
      onMessage: (listener) => child.on('message', listener as (message: unknown) => void),
      onExit: (listener) => child.once('exit', (code) => listener(code)),
      kill: () => child.kill('SIGKILL'),
    };
  });
  return { host, started };
}

describe('the service process', () => {
  let dataDir: string;
  let service: ReturnType<typeof serviceHost>;

  beforeAll(async () => {
    dataDir = await makeTempDir('svc');
    service = serviceHost(dataDir);
  });

  afterAll(async () => {
    await service.host.close();
    await removeDir(dataDir);
  });

  it('answers a call with the service’s result', async () => {
    expect(await service.host.call('appInfo', {})).toMatchObject({ ok: { dataDir, operator: 'tester' } });
  });

  it('answers a refusal as an error in words, with no stack trace', async () => {
    const envelope = await service.host.call('getRunbook', { id: 'no-such-runbook' });
    expect(envelope).toEqual({ error: { code: 'not-found', message: expect.stringContaining('no-such-runbook') } });
    expect(JSON.stringify(envelope)).not.toMatch(/\n\s+at |\.ts:\d+/);
  });

  it('starts again on the next call after the process died', async () => {
    expect(await service.host.call('appInfo', {})).toHaveProperty('ok');
    const current = service.started.at(-1)!;
    current.kill();
    await current.exited;
    expect(await service.host.call('appInfo', {})).toMatchObject({ ok: { dataDir } });
    expect(service.started.length).toBeGreaterThanOrEqual(2);
  });

  it('relays the events of a run started in it, and leaves the run resumable when it closes', async () => {
    const runDir = await makeTempDir('svc-run');
    const first = serviceHost(runDir);
    const events: ConsoleEvent[] = [];
    let sawRunChange!: () => void;
    const runChanged = new Promise<void>((resolve) => (sawRunChange = resolve));
    first.host.onEvent((event) => {
      events.push(event);
      if (event.type === 'run-changed') sawRunChange();
    });
    const second = serviceHost(runDir);
    try {
      const started = await first.host.call('startRun', { runbook: 'reset-pilot', environment: 'local-demo', inputs: {} });
      expect(started).toMatchObject({ ok: { runId: expect.any(String) } });
      const runId = (started as { ok: { runId: string } }).ok.runId;
      await runChanged;
      expect(events).toContainEqual({ type: 'run-changed', runId });

      await first.host.close();
      expect(await first.host.call('appInfo', {})).toEqual({ error: { code: 'refused', message: expect.stringContaining('closing') } });
      // A new service on the same data folder finds the run waiting to be resumed.
      expect(await second.host.call('getRun', { runId })).toMatchObject({ ok: { run: { id: runId, status: 'interrupted' } } });
    } finally {
      await first.host.close();
      await second.host.close();
      await removeDir(runDir);
    }
  });
});
