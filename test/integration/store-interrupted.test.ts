// Crash detection on the next start: a `running` run whose process is gone becomes
// `interrupted`, and its `running` step `in-doubt`. Uses real processes for the pids.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AppDatabase, openAppDatabase } from '../../src/store/open-database.js';
import { RunStore } from '../../src/store/run-store.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';

const SOURCE = Buffer.from('---\nid: demo\ntitle: Demo\nversion: 1.0.0\n---\n');

let dir: string;
let app: AppDatabase;
let store: RunStore;
beforeEach(async () => {
  dir = await makeTempDir('store-crash');
  app = openAppDatabase(dir);
  store = new RunStore(app.db);
});
afterEach(async () => {
  app.close();
  await removeDir(dir);
});

/** The pid of a process that has run and exited (and been reaped). */
async function deadPid(): Promise<number> {
  const child = spawn('true', { stdio: 'ignore' });
  const pid = child.pid;
  await once(child, 'exit');
  if (pid === undefined) throw new Error('could not start `true`');
  return pid;
}

function startRun(id: string, pid: number, host = store.host) {
  store.createRun({
    id,
    runbookId: 'demo',
    runbookVersion: '1.0.0',
    runbookSha256: createHash('sha256').update(SOURCE).digest('hex'),
    runbookPath: 'demo.md',
    runbookSource: SOURCE,
    environment: 'local-demo',
    operator: 'ana',
    inputs: {},
    steps: [0, 1, 2].map((idx) => ({ idx, title: `Step ${idx + 1}`, kind: 'sh' as const, target: 'local' })),
  });
  store.setStepStatus(id, 0, 'running');
  store.setStepStatus(id, 0, 'succeeded', { exitCode: 0 });
  store.setStepStatus(id, 1, 'running');
  // Record the run as another process's, as the crashed CLI would have.
  app.db.prepare('UPDATE runs SET pid = ?, host = ? WHERE id = ?').run(pid, host, id);
}

describe('RunStore.markInterruptedRuns', () => {
  it('marks a run whose process exited as interrupted and its running step in-doubt; leaves a live one alone', async () => {
    const gone = await deadPid();
    startRun('crashed', gone);
    startRun('alive', process.pid);

    // Detection happens on the next start, with a fresh connection.
    app.close();
    app = openAppDatabase(dir);
    store = new RunStore(app.db);
    expect(store.markInterruptedRuns()).toEqual([{ runId: 'crashed', pid: gone, inDoubtSteps: [1] }]);

    expect(store.getRun('crashed')?.status).toBe('interrupted');
    expect(store.listSteps('crashed').map((s) => s.status)).toEqual(['succeeded', 'in-doubt', 'pending']);
    expect(store.getRun('alive')?.status).toBe('running');
    expect(store.listSteps('alive').map((s) => s.status)).toEqual(['succeeded', 'running', 'pending']);

    const events = app.db.prepare("SELECT run_id, operator, body_json FROM events WHERE kind = 'run.interrupted'").all();
    expect(events).toEqual([
      { run_id: 'crashed', operator: 'ana', body_json: JSON.stringify({ pid: gone, host: store.host, inDoubtSteps: [1] }) },
    ]);

    // A second start finds nothing new.
    expect(store.markInterruptedRuns()).toEqual([]);
  });

  it("leaves runs recorded on another host alone: their pids mean nothing here", async () => {
    startRun('elsewhere', await deadPid(), 'some-other-laptop');
    expect(store.markInterruptedRuns()).toEqual([]);
    expect(store.getRun('elsewhere')?.status).toBe('running');
  });

  it('lets an interrupted run be resumed by this process, which becomes its owner', async () => {
    startRun('crashed', await deadPid());
    store.markInterruptedRuns();
    const resumed = store.setRunStatus('crashed', 'running', { from: ['interrupted'] });
    expect(resumed).toMatchObject({ status: 'running', pid: process.pid, host: store.host });
    const retried = store.setStepStatus('crashed', 1, 'running', { from: ['in-doubt'] });
    expect(retried.attempt).toBe(2);
    expect(store.markInterruptedRuns()).toEqual([]);
  });
});
