// The one rule for a run's displayed status: a success with skips, retries or failed
// expectations on the way is "succeeded with deviations (N)", never a plain success.
import { describe, expect, it } from 'vitest';
import type { ReportEvent } from '../../src/core/audit/report-model.js';
import { mayBeDeviation, runVerdict, verdictOf, verdictText } from '../../src/core/audit/run-verdict.js';

const ev = (seq: number, kind: string, body: Record<string, unknown>, stepIdx: number | null = 1): ReportEvent => ({
  seq, at: `2026-01-01T00:00:0${seq}.000Z`, operator: 'ana', kind, runId: 'r1', stepIdx, environment: 'prod', target: null, body,
});

describe('run verdict', () => {
  it('counts a failed expectation, its retry and two skips (each recorded twice) as four deviations', () => {
    const info = runVerdict('succeeded', [
      ev(1, 'step.failed', { reason: 'expected 2 rows, got 3' }), ev(2, 'step.retried', { reason: 'fixed the filter' }),
      ev(3, 'step.skipped', { reason: 'done by hand' }, 2), ev(4, 'step.skipped', { reason: 'done by hand' }, 2),
      ev(5, 'step.skipped', { reason: 'not needed' }, 3), ev(6, 'step.skipped', { reason: 'not needed' }, 3),
      ev(7, 'step.succeeded', {}), ev(8, 'run.succeeded', {}, null),
    ]);
    expect(info).toEqual({ verdict: 'succeeded-with-deviations', deviations: 4 });
    expect(verdictText(info)).toBe('succeeded with deviations (4)');
  });

  it('keeps a clean success plain: a confirmation asked for and given is not a deviation', () => {
    const info = runVerdict('succeeded', [ev(1, 'confirmation', { how: 'typed', environment: 'prod' }), ev(2, 'step.succeeded', {})]);
    expect(info).toEqual({ verdict: 'succeeded', deviations: 0 });
    expect(verdictText(info)).toBe('succeeded');
  });

  it('leaves failed, aborted, interrupted and running as they are, with their count', () => {
    expect(verdictOf('failed', 2)).toBe('failed');
    expect(verdictOf('aborted', 1)).toBe('aborted');
    expect(verdictOf('interrupted', 0)).toBe('interrupted');
    expect(verdictOf('running', 3)).toBe('running');
    expect(runVerdict('aborted', [ev(1, 'run.aborted', { reason: 'wrong window' }, null)])).toEqual({ verdict: 'aborted', deviations: 1 });
  });

  it('names every kind a deviation can come from, so a store may read only those', () => {
    for (const kind of ['step.skipped', 'step.retried', 'step.decided', 'step.failed', 'run.interrupted', 'restore.done', 'recording.refused', 'guard.refused', 'output.cut']) {
      expect(mayBeDeviation(kind), kind).toBe(true);
    }
    expect(mayBeDeviation('step.output')).toBe(false);
    expect(mayBeDeviation('confirmation')).toBe(false);
  });
});
