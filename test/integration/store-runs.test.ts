// Runs, steps, events and target locks in a real app database, across close and reopen.
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AppDatabase, openAppDatabase } from '../../src/store/open-database.js';
import type { NewRun } from '../../src/store/new-records.js';
import { RunStore } from '../../src/store/run-store.js';
import { StoreError } from '../../src/store/store-error.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';

const SOURCE = Buffer.from('---\nid: reset-pilot\ntitle: Reset\nversion: 2.1.0\n---\n\n## Check\n\n```sh {target=app}\nhostname\n```\n');

function sampleRun(overrides: Partial<NewRun> = {}): NewRun {
  return {
    runbookId: 'reset-pilot',
    runbookVersion: '2.1.0',
    runbookSha256: createHash('sha256').update(SOURCE).digest('hex'),
    runbookPath: '/work/runbooks/reset-pilot.md',
    runbookSource: SOURCE,
    environment: 'pilot',
    operator: 'ana',
    inputs: { pilot: 'acme', api_token: '[redacted]', dry_run: false },
    steps: [
      { idx: 0, title: 'Check', kind: 'sh', target: 'app' },
      { idx: 1, title: 'Delete', kind: 'sql', target: 'events' },
      { idx: 2, title: 'Tell the team', kind: 'manual', target: null },
    ],
    ...overrides,
  };
}

let dir: string;
let app: AppDatabase;
let store: RunStore;
beforeEach(async () => {
  dir = await makeTempDir('store-runs');
  app = openAppDatabase(dir);
  store = new RunStore(app.db);
});
afterEach(async () => {
  app.close();
  await removeDir(dir);
});

function reopen(): RunStore {
  app.close();
  app = openAppDatabase(dir);
  store = new RunStore(app.db);
  return store;
}

describe('RunStore: runs and steps', () => {
  it('creates a run bound to the exact runbook bytes, with its steps pending', () => {
    const run = store.createRun(sampleRun({ id: 'run-1' }));
    expect(run).toMatchObject({ id: 'run-1', status: 'running', pid: process.pid, operator: 'ana', finishedAt: null });
    expect(run.inputs).toEqual({ pilot: 'acme', api_token: '[redacted]', dry_run: false });
    expect(store.getRunbookSource('run-1')?.equals(SOURCE)).toBe(true);
    expect(store.listSteps('run-1').map((s) => [s.idx, s.kind, s.status, s.attempt])).toEqual([
      [0, 'sh', 'pending', 0],
      [1, 'sql', 'pending', 0],
      [2, 'manual', 'pending', 0],
    ]);
    expect(store.createRun(sampleRun()).id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses runbook bytes that do not match the SHA-256 they were parsed with', () => {
    const changed = Buffer.concat([SOURCE, Buffer.from('\n## Extra step\n')]);
    expect(() => store.createRun(sampleRun({ runbookSource: changed }))).toThrow(
      /changed between reading and starting the run .*Nothing was started/,
    );
    expect(store.listRuns()).toEqual([]);
  });

  it('persists every step transition and the run status across close and reopen', () => {
    store.createRun(sampleRun({ id: 'run-1' }));
    store.setStepStatus('run-1', 0, 'running');
    store.setStepStatus('run-1', 0, 'succeeded', { exitCode: 0 });
    store.setStepStatus('run-1', 1, 'snapshotting');
    store.setStepStatus('run-1', 1, 'snapshot-verified');
    store.setStepStatus('run-1', 1, 'running');

    reopen();
    expect(store.getStep('run-1', 0)).toMatchObject({ status: 'succeeded', attempt: 1, exitCode: 0 });
    expect(store.getStep('run-1', 0)?.finishedAt).not.toBeNull();
    expect(store.getStep('run-1', 1)).toMatchObject({ status: 'running', attempt: 1, finishedAt: null });

    store.setStepStatus('run-1', 1, 'failed', { exitCode: null, signal: 'SIGKILL', reason: 'timed out after 30s' });
    store.setStepStatus('run-1', 1, 'running');
    expect(store.getStep('run-1', 1)).toMatchObject({ attempt: 2, signal: null, reason: null, exitCode: null });
    store.setStepStatus('run-1', 1, 'succeeded', { exitCode: 0 });
    store.setStepStatus('run-1', 2, 'skipped', { reason: 'team already told in the incident channel' });
    store.setRunStatus('run-1', 'succeeded');

    reopen();
    const run = store.getRun('run-1');
    expect(run?.status).toBe('succeeded');
    expect(run?.finishedAt).toMatch(/Z$/);
    expect(store.listSteps('run-1').map((s) => [s.status, s.attempt, s.reason])).toEqual([
      ['succeeded', 1, null],
      ['succeeded', 2, null],
      ['skipped', 0, 'team already told in the incident channel'],
    ]);
  });

  it('refuses a transition from a state the caller did not expect, and changes nothing', () => {
    store.createRun(sampleRun({ id: 'run-1' }));
    expect(() => store.setStepStatus('run-1', 0, 'succeeded', { from: ['running'] })).toThrow(StoreError);
    expect(() => store.setStepStatus('run-1', 0, 'succeeded', { from: ['running'] })).toThrow(
      /Step 1 \(Check\) of run run-1 is pending, not running; it was left unchanged/,
    );
    expect(store.getStep('run-1', 0)?.status).toBe('pending');
    expect(() => store.setRunStatus('run-1', 'running', { from: ['interrupted'] })).toThrow(/is running, not interrupted/);
    expect(() => store.setStepStatus('run-1', 9, 'running')).toThrow(/Run run-1 has no step 10/);
  });

  it('commits the calls inside atomically() together or not at all', () => {
    store.createRun(sampleRun({ id: 'run-1' }));
    expect(() =>
      store.atomically(() => {
        store.setStepStatus('run-1', 0, 'running');
        store.appendEvent({ operator: 'ana', kind: 'step.started', runId: 'run-1', stepIdx: 0, body: {} });
        throw new Error('the process died here');
      }),
    ).toThrow('the process died here');
    expect(store.getStep('run-1', 0)?.status).toBe('pending');
    expect(app.db.prepare('SELECT count(*) FROM events').pluck().get()).toBe(0);
  });

  it('lists runs newest first and appends events with increasing sequence numbers', () => {
    let tick = Date.parse('2025-01-01T00:00:00Z');
    store = new RunStore(app.db, { now: () => new Date((tick += 1000)) });
    store.createRun(sampleRun({ id: 'older' }));
    store.createRun(sampleRun({ id: 'newer' }));
    expect(store.listRuns().map((r) => r.id)).toEqual(['newer', 'older']);
    expect(store.listRuns({ limit: 1, offset: 1 }).map((r) => r.id)).toEqual(['older']);

    const a = store.appendEvent({ operator: 'ana', kind: 'run.started', runId: 'older', body: { env: 'pilot' } });
    const b = store.appendEvent({ operator: 'ana', kind: 'step.skipped', runId: 'older', stepIdx: 2, body: { reason: 'x' } });
    expect(b).toBe(a + 1);
    expect(app.db.prepare('SELECT kind, step_idx, body_json FROM events WHERE seq = ?').get(b)).toEqual({
      kind: 'step.skipped',
      step_idx: 2,
      body_json: '{"reason":"x"}',
    });
  });
});

describe('RunStore: target locks', () => {
  it('refuses a second run on a locked target and names the holder', () => {
    store.createRun(sampleRun({ id: 'run-a', operator: 'ana' }));
    store.createRun(sampleRun({ id: 'run-b', operator: 'ben' }));
    const target = 'sqlite:/srv/pilot/events.db';
    expect(store.acquireLock(target, 'run-a', 'ana')).toEqual({ acquired: true });
    expect(store.acquireLock(target, 'run-a', 'ana')).toEqual({ acquired: true }); // re-entrant

    const refused = store.acquireLock(target, 'run-b', 'ben');
    expect(refused).toMatchObject({ acquired: false, holder: { runId: 'run-a', operator: 'ana', runStatus: 'running' } });

    expect(store.releaseLock(target, 'run-b')).toBe(false); // not the holder
    expect(store.releaseLock(target, 'run-a')).toBe(true);
    expect(store.acquireLock(target, 'run-b', 'ben')).toEqual({ acquired: true });
  });

  it('keeps locks across a reopen and an interruption, and releases them when the run finishes', () => {
    store.createRun(sampleRun({ id: 'run-a' }));
    store.createRun(sampleRun({ id: 'run-b', operator: 'ben' }));
    store.acquireLock('pg:db-1/app', 'run-a', 'ana');
    store.setRunStatus('run-a', 'interrupted');
    reopen();
    expect(store.acquireLock('pg:db-1/app', 'run-b', 'ben')).toMatchObject({
      acquired: false,
      holder: { runId: 'run-a', runStatus: 'interrupted' },
    });
    store.setRunStatus('run-a', 'aborted');
    expect(store.acquireLock('pg:db-1/app', 'run-b', 'ben')).toEqual({ acquired: true });
  });
});
