// What a run's status says in the console once its deviations are counted: a run that got
// through after a failed step and a skip is "succeeded with deviations", on its page and in
// the list, a clean run stays plain; an abort from the console keeps the operator's reason.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleService } from '../../src/app/console/console-service.js';
import { APP_DATABASE_FILE } from '../../src/store/open-database.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';
import { goAhead, nextPrompt, settingsFor, untilRun, walk, writeWorkspace } from './console-support.js';

let root: string;
let dataDir: string;
let service: ConsoleService;

beforeAll(async () => {
  root = await makeTempDir('console-verdict');
  dataDir = join(root, 'data');
  service = new ConsoleService(settingsFor(dataDir, { workspace: writeWorkspace(join(root, 'ws')) }));
});
afterAll(async () => {
  await service.close();
  await removeDir(root);
});

function abortedBodies(): Record<string, unknown>[] {
  const db = new Database(join(dataDir, APP_DATABASE_FILE), { readonly: true });
  try {
    const rows = db.prepare("SELECT b.body_json AS body FROM audit_events e JOIN audit_bodies b ON b.seq = e.seq WHERE e.kind = 'run.aborted' ORDER BY e.seq").all() as { body: string }[];
    return rows.map((r) => JSON.parse(r.body) as Record<string, unknown>);
  } finally {
    db.close();
  }
}

describe('run verdict in the console', () => {
  it('a run with a failed step skipped with a reason is "succeeded with deviations" on its page and in the list; a clean run is plain', async () => {
    const { runId: clean } = await service.startRun({ runbook: 'echo-word', environment: 'sandbox', inputs: { word: 'zebra' } });
    await walk(service, clean, goAhead);
    const { runId: skipped } = await service.startRun({ runbook: 'flaky-check', environment: 'sandbox', inputs: {} });
    const { detail } = await walk(service, skipped, (p) => (p.kind === 'failed' ? { action: 'skip', reason: 'disk checked by hand' } : goAhead(p)));

    expect(detail.run.status).toBe('succeeded');
    // The failure and the skip: two things a reviewer must see.
    expect({ verdict: detail.verdict, deviationCount: detail.deviationCount }).toEqual({ verdict: 'succeeded-with-deviations', deviationCount: 2 });
    const list = await service.listRuns({ offset: 0, limit: 10 });
    expect(list.runs.map((r) => [r.id, r.status, r.verdict, r.deviations])).toEqual([
      [skipped, 'succeeded', 'succeeded-with-deviations', 2],
      [clean, 'succeeded', 'succeeded', 0],
    ]);
    expect((await service.getRun({ runId: clean })).verdict).toBe('succeeded');
    // The Runbooks view's "last run" says the same.
    const { runbooks } = await service.listRunbooks({});
    expect(runbooks.find((r) => r.id === 'flaky-check')?.lastRun).toMatchObject({ id: skipped, status: 'succeeded', verdict: 'succeeded-with-deviations', deviations: 2 });
    expect(runbooks.find((r) => r.id === 'echo-word')?.lastRun).toMatchObject({ id: clean, verdict: 'succeeded', deviations: 0 });
  });

  it('an abort from the console records the operator’s reason in the run.aborted event', async () => {
    const { runId } = await service.startRun({ runbook: 'flaky-check', environment: 'sandbox', inputs: {} });
    await nextPrompt(service, runId);
    await service.abortRun({ runId, reason: 'wrong window: the customer asked us to wait' });
    const detail = await untilRun(service, runId, (d) => d.run.status === 'aborted');
    expect(detail.verdict).toBe('aborted');
    expect(abortedBodies().at(-1)).toMatchObject({ operatorReason: 'wrong window: the customer asked us to wait', reason: 'aborted by the operator: wrong window: the customer asked us to wait' });
  });
});
