// The recorder through the console API, as the app's Record view drives it: live output as
// `recording-output` events, edits, saving into the workspace by a relative name, running
// the saved runbook, and a console that closes while a command runs.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { API, type ConsoleEvent } from '../../src/contract/api.js';
import { ConsoleService } from '../../src/app/console/console-service.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';
import { apiErrorOf, expectNoStack, goAhead, settingsFor, walk, writeWorkspace } from './console-support.js';

let root: string;
let service: ConsoleService;
let events: ConsoleEvent[];

beforeEach(async () => {
  root = await makeTempDir('console-rec');
  const workspace = writeWorkspace(join(root, 'workspace'));
  service = new ConsoleService(settingsFor(join(root, 'data'), { workspace }));
  events = [];
  service.subscribe((event) => events.push(event));
});

afterEach(async () => {
  await service.close();
  await removeDir(root);
});

describe('the recorder in the console', () => {
  it('records with live output, takes edits, saves into the workspace, and the runbook runs', async () => {
    const { draft } = await service.startRecording({ environment: 'sandbox', target: 'local', title: 'Count and note' });
    const { draft: one } = await service.recordCommand({ draftId: draft.id, command: 'echo from-console; echo to-stderr >&2', runDestructive: false });
    const pushed = events.filter((e): e is Extract<ConsoleEvent, { type: 'recording-output' }> => e.type === 'recording-output' && e.draftId === draft.id);
    expect(pushed.filter((e) => e.stream === 'stdout').map((e) => e.text).join('')).toBe('from-console\n');
    expect(pushed.filter((e) => e.stream === 'stderr').map((e) => e.text).join('')).toBe('to-stderr\n');
    expect(one.steps).toHaveLength(1);

    const [step] = one.steps;
    if (!step) throw new Error('one step was recorded');
    await service.updateRecording({ draftId: draft.id, title: 'Count and note', steps: [{ ...step, title: 'Say where we are', mutates: ['ledger'] }] });
    expect((await service.listRecordings({})).recordings).toEqual([expect.objectContaining({ id: draft.id, steps: 1, savedPath: null })]);

    const saved = await service.saveRecording({ draftId: draft.id, path: 'recorded/count-and-note.md', acknowledged: [] });
    expect(saved).toEqual({ path: join('recorded', 'count-and-note.md'), id: 'count-and-note', problems: [] });
    expect((await service.getRunbook({ id: 'count-and-note' })).steps.map((s) => [s.title, s.command, s.mutates])).toEqual([
      ['Say where we are', 'echo from-console; echo to-stderr >&2', ['ledger']],
    ]);
    expect((await service.runbookHistory({ id: 'count-and-note' })).versions).toEqual([expect.objectContaining({ version: '1.0.0', reason: 'recorded' })]);

    const { runId } = await service.startRun({ runbook: 'count-and-note', environment: 'sandbox', inputs: {} });
    const { detail } = await walk(service, runId, goAhead);
    expect(detail.run.status).toBe('succeeded');
    // It changes the ledger, so the run took a verified snapshot before it.
    expect(detail.snapshots).toHaveLength(1);

    const again = await apiErrorOf(service.saveRecording({ draftId: draft.id, path: 'other.md', acknowledged: [] }));
    expect(again.code).toBe('refused');
    expect(again.message).toMatch(/already saved as .*count-and-note\.md/);
    expectNoStack(again);
  });

  it('refuses a file outside the workspace at the edge, and a stop with nothing running', async () => {
    for (const path of ['../outside.md', '/etc/x.md', 'notes.txt']) {
      expect(API.saveRecording.request.safeParse({ draftId: 'r-1', path }).success, path).toBe(false);
    }
    const { draft } = await service.startRecording({ environment: 'sandbox', target: 'local', title: 'Edge' });
    const stop = await apiErrorOf(service.stopRecordingCommand({ draftId: draft.id }));
    expect(stop.message).toMatch(/not running a command/);
    const missing = await apiErrorOf(service.getRecording({ draftId: 'r-nope' }));
    expect(missing.code).toBe('not-found');
  });

  it('stops a running command when the console closes; the draft stays without it', async () => {
    const { draft } = await service.startRecording({ environment: 'sandbox', target: 'local', title: 'Closing' });
    let printed = () => {};
    const started = new Promise<void>((resolve) => (printed = resolve));
    service.subscribe((e) => e.type === 'recording-output' && e.text.includes('begun') && printed());
    const running = service.recordCommand({ draftId: draft.id, command: 'echo begun; sleep 30', runDestructive: false });
    await started;
    await service.close();
    expect((await running).draft.steps).toEqual([]);

    service = new ConsoleService(settingsFor(join(root, 'data'), { workspace: join(root, 'workspace') }));
    expect((await service.getRecording({ draftId: draft.id })).draft.steps).toEqual([]);
  });
});
