// The operator's decisions through the console API: a protected environment needs its name
// typed (a wrong name is refused and the question stays), a failed step skipped with a
// reason shows as a deviation, an abort ends the run as aborted, a question that does not
// fit is refused, and a run left waiting when the console closes is resumed later.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleService } from '../../src/app/console/console-service.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';
import { apiErrorOf, expectNoStack, goAhead, nextPrompt, settingsFor, untilRun, walk, writeWorkspace } from './console-support.js';

let root: string;
let dataDir: string;
let service: ConsoleService;

beforeAll(async () => {
  root = await makeTempDir('console-decide');
  dataDir = join(root, 'data');
  service = new ConsoleService(settingsFor(dataDir, { workspace: writeWorkspace(join(root, 'ws')) }));
});
afterAll(async () => {
  await service.close();
  await removeDir(root);
});

const ledgerCount = (env: string) => {
  const db = new Database(join(dataDir, env, 'ledger.db'), { readonly: true });
  try {
    return db.prepare('SELECT count(*) FROM entries').pluck().get();
  } finally {
    db.close();
  }
};

describe('a protected environment', () => {
  it('asks for its name before the change, refuses a wrong one, and goes on with the right one', async () => {
    const { runId } = await service.startRun({ runbook: 'close-ledger', environment: 'vault', inputs: {} });
    expect((await service.getRun({ runId })).environmentProtected).toBe(true);

    const prompts = [];
    let detail = await nextPrompt(service, runId);
    while (detail.prompt && detail.prompt.kind !== 'confirm') {
      prompts.push(detail.prompt);
      await service.decide({ runId, idx: detail.prompt.idx, decision: goAhead(detail.prompt) });
      detail = await nextPrompt(service, runId);
    }
    expect(prompts).toEqual([{ kind: 'before-step', idx: 0 }, { kind: 'before-step', idx: 1 }]);
    expect(detail.prompt).toEqual({ kind: 'confirm', idx: 1, environment: 'vault' });

    const wrong = await apiErrorOf(service.decide({ runId, idx: 1, decision: { action: 'confirm', typed: 'valut' } }));
    expect(wrong).toEqual({ code: 'refused', message: "'valut' is not 'vault': type the environment's name exactly; step 2 is still waiting; nothing was changed" });
    const empty = await apiErrorOf(service.decide({ runId, idx: 1, decision: { action: 'confirm' } }));
    expect(empty.message).toBe("step 2 changes the protected environment 'vault': type its name to confirm; step 2 is still waiting; nothing was changed");
    // Nothing moved: the question is still open, nothing was snapshotted or deleted.
    const still = await service.getRun({ runId });
    expect(still.prompt).toEqual({ kind: 'confirm', idx: 1, environment: 'vault' });
    expect(still.steps[1]?.status).toBe('pending');
    expect(still.snapshots).toEqual([]);
    expect(ledgerCount('vault')).toBe(4);

    await service.decide({ runId, idx: 1, decision: { action: 'confirm', typed: 'vault' } });
    const done = await untilRun(service, runId, (d) => !d.live);
    expect(done.run.status).toBe('succeeded');
    expect(done.snapshots).toHaveLength(1);
    expect(ledgerCount('vault')).toBe(2);
    expect(done.deviations.map((d) => [d.kind, d.idx, d.text])).toEqual([['confirmation', 1, 'confirmed in vault (typed the environment name in the console)']]);
    expect(done.events.map((e) => e.kind)).toContain('confirmation.mistyped');
  });

  it('ends the run as aborted when the operator aborts at the confirmation', async () => {
    const { runId } = await service.startRun({ runbook: 'close-ledger', environment: 'vault', inputs: {} });
    let detail = await nextPrompt(service, runId);
    while (detail.prompt && detail.prompt.kind !== 'confirm') {
      await service.decide({ runId, idx: detail.prompt.idx, decision: goAhead(detail.prompt) });
      detail = await nextPrompt(service, runId);
    }
    await service.abortRun({ runId });
    const final = await untilRun(service, runId, (d) => !d.live);
    expect(final.run.status).toBe('aborted');
    expect(final.steps[1]?.status).toBe('pending');
    expect(final.snapshots).toEqual([]);
    // Recorded as what the operator did, never as an interruption.
    expect(final.events.map((e) => e.kind)).not.toContain('run.interrupted');
  });
});

describe('a failing step', () => {
  it('is skipped only with a reason, and the skip shows as a deviation', async () => {
    const { runId } = await service.startRun({ runbook: 'flaky-check', environment: 'sandbox', inputs: {} });
    let detail = await nextPrompt(service, runId);
    while (detail.prompt?.kind === 'before-step') {
      await service.decide({ runId, idx: detail.prompt.idx, decision: { action: 'run' } });
      detail = await nextPrompt(service, runId);
    }
    expect(detail.prompt).toEqual({ kind: 'failed', idx: 1, reason: 'the command exited with 3 (expected 0)' });
    expect(detail.steps[1]?.status).toBe('failed');
    const stderr = await service.getOutput({ runId, idx: 1, attempt: 1, fromChunk: 0 });
    expect(stderr.chunks).toEqual([{ seq: 0, stream: 'stderr', text: 'disk at 97%\n' }]);

    const blank = await apiErrorOf(service.decide({ runId, idx: 1, decision: { action: 'skip', reason: '   ' } }));
    expect(blank.message).toBe('a skip needs a reason, which is kept in the audit trail; step 2 is still waiting; nothing was changed');
    const wrongAction = await apiErrorOf(service.decide({ runId, idx: 1, decision: { action: 'done' } }));
    expect(wrongAction.message).toContain("'done' is not one of its answers (retry, skip, abort, stop)");
    const wrongStep = await apiErrorOf(service.decide({ runId, idx: 0, decision: { action: 'retry' } }));
    expect(wrongStep.message).toBe(`run ${runId} is waiting at step 2, not at step 1; reload the run; nothing was changed`);
    expectNoStack(wrongStep);

    await service.decide({ runId, idx: 1, decision: { action: 'skip', reason: 'disk alert is known, ticket OPS-42' } });
    const { detail: done } = await walk(service, runId, goAhead);
    expect(done.run.status).toBe('succeeded');
    expect(done.steps.map((s) => s.status)).toEqual(['succeeded', 'skipped', 'succeeded']);
    expect(done.steps[1]?.reason).toBe('disk alert is known, ticket OPS-42');
    expect(done.deviations.map((d) => [d.kind, d.idx, d.text])).toEqual([
      ['failure', 1, 'failed expectation: the command exited with 3 (expected 0)'],
      ['skip', 1, 'skipped: disk alert is known, ticket OPS-42'],
    ]);
    const report = await service.exportAudit({ runId, format: 'html' });
    expect(report.content).toContain('disk alert is known, ticket OPS-42');
  });

  it('is retried on request, and an abort there ends the run as aborted', async () => {
    const { runId } = await service.startRun({ runbook: 'flaky-check', environment: 'sandbox', inputs: {} });
    const answers: string[] = [];
    const { detail } = await walk(service, runId, (prompt) => {
      answers.push(prompt.kind);
      if (prompt.kind !== 'failed') return goAhead(prompt);
      return answers.filter((a) => a === 'failed').length === 1 ? { action: 'retry' } : { action: 'abort' };
    });
    expect(answers).toEqual(['before-step', 'before-step', 'failed', 'failed']);
    expect(detail.run.status).toBe('aborted');
    expect(detail.steps[1]).toMatchObject({ status: 'failed', attempt: 2 });
    expect(detail.deviations.map((d) => d.kind)).toEqual(['failure', 'retry', 'failure', 'other']);
    const notLive = await apiErrorOf(service.decide({ runId, idx: 1, decision: { action: 'retry' } }));
    expect(notLive).toEqual({ code: 'refused', message: `run ${runId} is aborted and not waiting in this console; nothing was changed` });
  });
});

describe('closing the console', () => {
  it('leaves a waiting run interrupted, and a new console resumes it where it stood', async () => {
    const own = join(root, 'data-close');
    const workspace = join(root, 'ws');
    const first = new ConsoleService(settingsFor(own, { workspace }));
    const { runId } = await first.startRun({ runbook: 'echo-word', environment: 'sandbox', inputs: { word: 'zebra' } });
    expect((await nextPrompt(first, runId)).prompt).toEqual({ kind: 'before-step', idx: 0 });
    await first.close();

    const second = new ConsoleService(settingsFor(own, { workspace }));
    try {
      const stopped = await second.getRun({ runId });
      expect(stopped.run.status).toBe('interrupted');
      expect(stopped.live).toBe(false);
      expect(stopped.deviations.map((d) => d.kind)).toEqual(['in-doubt']);

      const resumed = await second.resumeRun({ runId, inputs: {} });
      expect(resumed.runId).toBe(runId);
      const { prompts, detail } = await walk(second, runId, goAhead);
      expect(prompts).toEqual([{ kind: 'before-step', idx: 0 }]);
      expect(detail.run.status).toBe('succeeded');
      const output = await second.getOutput({ runId, idx: 0, attempt: 1, fromChunk: 0 });
      expect(output.chunks.map((c) => c.text).join('')).toBe('the word is zebra\n');
    } finally {
      await second.close();
    }
  });

  // Closing is not the operator's abort (test/faults/console-close.test.ts has the rest).
  it('stops a running command when it closes, and leaves the run interrupted with the step in doubt', async () => {
    const own = join(root, 'data-stop');
    const workspace = join(root, 'ws');
    const first = new ConsoleService(settingsFor(own, { workspace }));
    const { runId } = await first.startRun({ runbook: 'wait-long', environment: 'sandbox', inputs: {} });
    await nextPrompt(first, runId);
    const waiting = new Promise<void>((resolve) => {
      first.subscribe((e) => {
        if (e.type === 'output' && e.runId === runId && e.text.includes('waiting')) resolve();
      });
    });
    await first.decide({ runId, idx: 0, decision: { action: 'run' } });
    await waiting;
    await first.close();

    const second = new ConsoleService(settingsFor(own, { workspace }));
    try {
      const stopped = await second.getRun({ runId });
      expect(stopped.run.status).toBe('interrupted');
      expect(stopped.steps[0]?.status).toBe('in-doubt');
      expect(stopped.steps[0]?.signal).not.toBeNull();
    } finally {
      await second.close();
    }
  });
});
