// A newcomer's path through the console API on the demo workspace: the runbooks and
// environments as the views list them, then "reset the pilot environment" in local-demo,
// step by step through the prompts, with live output, a verified snapshot, and the run
// in the audit afterwards. Real shell, real SQLite, a fresh data directory.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleEvent } from '../../src/contract/api.js';
import { ConsoleService } from '../../src/app/console/console-service.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';
import { apiErrorOf, expectNoStack, goAhead, judgedList, settingsFor, walk } from './console-support.js';

let dataDir: string;
let service: ConsoleService;

beforeAll(async () => {
  dataDir = await makeTempDir('console-demo');
  service = new ConsoleService(settingsFor(dataDir));
});
afterAll(async () => {
  await service.close();
  await removeDir(dataDir);
});

describe('the console on the demo workspace', () => {
  it('lists the runbooks with their validation state and the environments with where they point', async () => {
    const { runbooks, inventoryProblems } = await judgedList(service);
    expect(inventoryProblems).toEqual([]);
    const reset = runbooks.find((r) => r.id === 'reset-pilot');
    expect(reset).toMatchObject({ title: "Reset a pilot's data", version: '1.0.0', owner: 'backend', path: 'reset-pilot.md', lastRun: null, problemList: [] });
    expect(runbooks.map((r) => r.id)).toContain('incident-triage');

    const detail = await service.getRunbook({ id: 'reset-pilot' });
    expect(detail.inputs.pilot).toMatchObject({ type: 'string', default: 'pilot-7' });
    expect(detail.steps.map((s) => s.kind)).toEqual(['sh', 'sql', 'sql', 'sql', 'manual']);
    expect(detail.steps[2]).toMatchObject({ title: "Delete the pilot's events", target: 'events', mutates: ['events'], command: 'DELETE FROM events WHERE pilot = :pilot;' });
    expect(detail.steps[0]?.expectations).toEqual(['exits with code 0', 'a line of the output matches /allowed/']);
    expect(detail.steps[3]?.expectations).toEqual(['returns exactly 0 rows']);
    expect(detail.steps[4]?.prose).toContain('Post in the pilot channel');

    const { environments } = await service.listEnvironments({});
    const local = environments.find((e) => e.name === 'local-demo');
    expect(local?.protected).toBe(false);
    expect(local?.targets).toContainEqual({ name: 'events', kind: 'sqlite', where: join(dataDir, 'demo', 'events.db') });
    expect(environments.find((e) => e.name === 'production')?.protected).toBe(true);

    const missing = await apiErrorOf(service.getRunbook({ id: 'no-such-runbook' }));
    expect(missing.code).toBe('not-found');
  });

  it('runs reset-pilot in local-demo step by step, with live output and a verified snapshot', async () => {
    const events: ConsoleEvent[] = [];
    const unsubscribe = service.subscribe((e) => events.push(e));
    const { runId } = await service.startRun({ runbook: 'reset-pilot', environment: 'local-demo', inputs: { pilot: 'pilot-7' } });

    const { prompts, detail } = await walk(service, runId, goAhead);
    unsubscribe();

    // Every automated step waits for "Run step"; the manual one for "Mark done".
    expect(prompts).toEqual([
      { kind: 'before-step', idx: 0 },
      { kind: 'before-step', idx: 1 },
      { kind: 'before-step', idx: 2 },
      { kind: 'before-step', idx: 3 },
      { kind: 'manual', idx: 4 },
    ]);
    expect(detail.run.status).toBe('succeeded');
    expect(detail.live).toBe(false);
    expect(detail.runbookTitle).toBe("Reset a pilot's data");
    expect(detail.environmentProtected).toBe(false);
    expect(detail.steps.map((s) => s.status)).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded', 'succeeded']);
    expect(detail.stepViews[2]?.mutates).toEqual(['events']);

    // The snapshot was taken before the delete, verified, and is shown with size and checksum.
    expect(detail.snapshots).toHaveLength(1);
    const [snapshot] = detail.snapshots;
    expect(snapshot).toMatchObject({ runId, step: 2, target: 'events', verified: true, reason: 'step' });
    expect(snapshot?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(detail.snapshotProgress).toEqual([{ idx: 2, target: 'events', phase: 'verified', bytes: snapshot?.bytes, sha256: snapshot?.sha256 }]);
    expect(detail.deviations).toEqual([]);
    expect(detail.events.map((e) => e.kind)).toContain('snapshot.verified');
    expect(detail.events.find((e) => e.kind === 'run.started')?.summary).toBe('started reset-pilot 1.0.0 in local-demo');

    // What the consoles were told while it ran.
    const output = events.filter((e) => e.type === 'output' && e.runId === runId && e.idx === 0).map((e) => (e.type === 'output' ? e.text : '')).join('');
    expect(output).toMatch(/host: .+ \(allowed\)/);
    const phases = events.flatMap((e) => (e.type === 'snapshot' && e.runId === runId ? [e.progress.phase] : []));
    expect(phases[0]).toBe('start');
    expect(phases.at(-1)).toBe('verified');
    const verified = events.find((e) => e.type === 'snapshot' && e.progress.phase === 'verified');
    expect(verified?.type === 'snapshot' && verified.progress.sha256).toBe(snapshot?.sha256);
    expect(events.filter((e) => e.type === 'run-changed' && e.runId === runId).length).toBeGreaterThan(10);

    // The pilot's rows are gone; the other pilots' are not.
    const events_db = new Database(join(dataDir, 'demo', 'events.db'), { readonly: true });
    try {
      expect(events_db.prepare("SELECT count(*) FROM events WHERE pilot = 'pilot-7'").pluck().get()).toBe(0);
      expect(events_db.prepare("SELECT count(*) FROM events WHERE pilot = 'pilot-9'").pluck().get()).not.toBe(0);
    } finally {
      events_db.close();
    }
  });

  it('shows the finished run in the audit: last run, output, snapshots, export, verification, review', async () => {
    const { runs, total } = await service.listRuns({ offset: 0, limit: 200 });
    expect(total).toBe(1);
    const [run] = runs;
    if (!run) throw new Error('no run listed');
    expect(run).toMatchObject({ runbookId: 'reset-pilot', environment: 'local-demo', operator: 'tester', status: 'succeeded' });

    const reset = (await service.listRunbooks({})).runbooks.find((r) => r.id === 'reset-pilot');
    expect(reset?.lastRun).toMatchObject({ id: run.id, status: 'succeeded', environment: 'local-demo' });

    const output = await service.getOutput({ runId: run.id, idx: 1, attempt: 1, fromChunk: 0 });
    expect(output.chunks.map((c) => c.text).join('')).toMatch(/kind/);
    expect(output.more).toBe(false);
    expect(output.cutBytes).toBe(0);

    const { snapshots } = await service.listSnapshots({});
    expect(snapshots.map((s) => s.runId)).toEqual([run.id]);

    const md = await service.exportAudit({ runId: run.id, format: 'md' });
    expect(md.fileName).toBe(`handrail-run-${run.id}-${new Date().toISOString().slice(0, 10)}.md`);
    expect(md.mediaType).toBe('text/markdown; charset=utf-8');
    expect(md.content).toContain(run.id);
    expect(md.content).toContain(snapshots[0]?.sha256.slice(0, 12));

    const jsonl = await service.exportAudit({ format: 'jsonl' });
    expect(jsonl.content.split('\n').filter(Boolean).length).toBeGreaterThan(10);
    // The download is in the chain, with where it went.
    expect(jsonl.content).toMatch(/"kind":"audit\.exported".*\\"out\\":\\"console download\\"/);

    const { seq } = await service.reviewRun({ runId: run.id, note: 'checked the snapshot and the counts' });
    const reviewed = await service.getRun({ runId: run.id });
    expect(reviewed.reviews).toEqual([expect.objectContaining({ seq, reviewer: 'tester', note: 'checked the snapshot and the counts' })]);

    const verification = await service.verifyAudit({});
    expect(verification).toMatchObject({ ok: true, firstProblem: null, problems: [] });
    expect(verification.events).toBeGreaterThan(20);
    const badge = (await service.appInfo({})).audit;
    expect(badge).toMatchObject({ ok: true, firstProblem: null });
    expect(badge.events).toBeGreaterThanOrEqual(verification.events);

    const hits = await service.searchAudit({ text: 'allowed', limit: 10 });
    expect(hits.hits).toContainEqual(expect.objectContaining({ source: 'output', runId: run.id, stepIdx: 0, attempt: 1 }));
  });

  it('refuses a run in an environment the runbook does not allow, records it, and creates nothing', async () => {
    const before = (await service.listRuns({ offset: 0, limit: 200 })).total;
    const error = await apiErrorOf(service.startRun({ runbook: 'reset-pilot', environment: 'production', inputs: { pilot: 'pilot-7' } }));
    expect(error.code).toBe('refused');
    expect(error.message).toBe("runbook 'reset-pilot' may only run in pilot, local-demo — not in 'production'; nothing was executed");
    expectNoStack(error);
    expect((await service.listRuns({ offset: 0, limit: 200 })).total).toBe(before);
    const hits = await service.searchAudit({ text: 'production', limit: 10 });
    expect(hits.hits.map((h) => h.kind)).toContain('guard.refused');

    const path = await apiErrorOf(service.startRun({ runbook: '../../etc/evil.md', environment: 'local-demo', inputs: {} }));
    expect(path.code).toBe('not-found');
    const unknown = await apiErrorOf(service.getRun({ runId: 'no-such-run' }));
    expect(unknown).toEqual({ code: 'not-found', message: "there is no run 'no-such-run' in this data directory; nothing was changed" });
  });

  it('reports the app and its audit state', async () => {
    const info = await service.appInfo({});
    expect(info).toMatchObject({ operator: 'tester', dataDir, version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    expect(info.workspace).toMatch(/runbooks\/?$/);
  });
});
