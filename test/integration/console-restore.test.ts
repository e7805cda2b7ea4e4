// Restoring a snapshot through the console API: the snapshot a run took before its change
// brings the database back; a protected environment needs its name typed first; progress is
// announced; the restore shows on the run's page.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleEvent } from '../../src/contract/api.js';
import { ConsoleService } from '../../src/app/console/console-service.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';
import { apiErrorOf, goAhead, settingsFor, walk, writeWorkspace } from './console-support.js';

let root: string;
let dataDir: string;
let service: ConsoleService;

beforeAll(async () => {
  root = await makeTempDir('console-restore');
  dataDir = join(root, 'data');
  service = new ConsoleService(settingsFor(dataDir, { workspace: writeWorkspace(join(root, 'ws')) }));
});
afterAll(async () => {
  await service.close();
  await removeDir(root);
});

const ledgerCount = () => {
  const db = new Database(join(dataDir, 'vault', 'ledger.db'), { readonly: true });
  try {
    return db.prepare('SELECT count(*) FROM entries').pluck().get();
  } finally {
    db.close();
  }
};

describe('restoreSnapshot', () => {
  it('restores the state before a run’s change, once the protected environment’s name is typed', async () => {
    const { runId } = await service.startRun({ runbook: 'close-ledger', environment: 'vault', inputs: {} });
    const { detail } = await walk(service, runId, goAhead);
    expect(detail.run.status).toBe('succeeded');
    expect(ledgerCount()).toBe(2);
    const [snapshot] = (await service.listSnapshots({})).snapshots;
    if (!snapshot) throw new Error('the run took no snapshot');
    expect(snapshot).toMatchObject({ runId, step: 1, environment: 'vault', target: 'ledger', verified: true });

    const untyped = await apiErrorOf(service.restoreSnapshot({ snapshotId: snapshot.id }));
    expect(untyped).toEqual({ code: 'refused', message: "restoring into the protected environment 'vault' needs its name typed to confirm; nothing was changed" });
    const mistyped = await apiErrorOf(service.restoreSnapshot({ snapshotId: snapshot.id, typed: 'sandbox' }));
    expect(mistyped.message).toBe("'sandbox' is not 'vault': type the environment's name exactly; nothing was changed");
    expect(ledgerCount()).toBe(2);

    const events: ConsoleEvent[] = [];
    const unsubscribe = service.subscribe((e) => events.push(e));
    const { restored, before } = await service.restoreSnapshot({ snapshotId: snapshot.id, typed: 'vault' });
    unsubscribe();
    expect(restored.id).toBe(snapshot.id);
    expect(before).toMatchObject({ reason: 'pre-restore', target: 'ledger', environment: 'vault', verified: true });
    expect(ledgerCount()).toBe(4);

    const progress = events.filter((e) => e.type === 'restore' && e.snapshotId === snapshot.id);
    expect(progress.map((e) => (e.type === 'restore' ? e.phase : ''))).toContain('restore');
    expect(events).toContainEqual({ type: 'run-changed', runId });

    const page = await service.getRun({ runId });
    expect(page.deviations.filter((d) => d.kind === 'restore').map((d) => d.text)).toEqual([
      expect.stringMatching(/^refused: snapshot .* of ledger, restoring into the protected environment/),
      expect.stringMatching(/^refused: snapshot .* of ledger, 'sandbox' is not 'vault'/),
      expect.stringMatching(/^confirmed: snapshot /),
      expect.stringMatching(/^started: snapshot .*state before kept in /),
      expect.stringMatching(/^finished: snapshot .*state before kept in /),
    ]);
    expect((await service.listSnapshots({})).snapshots.map((s) => s.id)).toContain(before.id);

    const missing = await apiErrorOf(service.restoreSnapshot({ snapshotId: 's-nothing', typed: 'vault' }));
    expect(missing.code).toBe('not-found');
  });
});
