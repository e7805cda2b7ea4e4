// Break-glass is the one way past an approval or a team lock: the reason must say something,
// and what it waived must lead every report and keep the verdict from reading plain success.
import { describe, expect, it } from 'vitest';
import { breakGlassDeviation, breakGlassReasonProblem } from '../../src/core/guards/break-glass.js';
import { renderHtml } from '../../src/core/audit/report-html.js';
import { renderMarkdown } from '../../src/core/audit/report-markdown.js';
import { deviations, type HandoverReport, type ReportEvent } from '../../src/core/audit/report-model.js';
import { runVerdict } from '../../src/core/audit/run-verdict.js';

const ev = (seq: number, kind: string, body: Record<string, unknown>, stepIdx: number | null = 1): ReportEvent => ({
  seq, at: `2026-01-01T00:00:0${seq}.000Z`, operator: 'ana', kind, runId: 'r1', stepIdx, environment: 'prod', target: null, body,
});

const report = (events: ReportEvent[]): HandoverReport => ({
  generatedAt: '2026-01-02T00:00:00.000Z', generatedBy: 'lead', scope: { runId: 'r1', since: null, until: null }, events, runs: [],
  verification: { ok: true, events: 9, checkpoints: 1, headSeq: 9, keyFingerprint: 'SHA256:ab', problems: [] },
});

const waived = (seq: number, reason: string) => ev(seq, 'run.deviation', { ...breakGlassDeviation('team-lock', reason, 'sqlite /srv/app.db') });

describe('break-glass reason', () => {
  it.each([
    ['', /too short/],
    ['   x    ', /too short/],
    ['asdf', /too short/],
    ['ledger down\u001b[2J', /control character/],
    ['x'.repeat(1001), /under 1000/],
  ])('refuses %j', (reason, message) => {
    expect(breakGlassReasonProblem(reason)).toMatch(message);
  });

  it('accepts a sentence and keeps it trimmed', () => {
    expect(breakGlassReasonProblem('INC-4711: ledger unreachable, primary down')).toBeNull();
    expect(breakGlassDeviation('approval', '  INC-4711 approver asleep  ').reason).toBe('INC-4711 approver asleep');
  });
});

describe('a waived guard in reports', () => {
  const events = [ev(1, 'step.skipped', { reason: 'done by hand' }), waived(2, 'INC-4711: ledger unreachable')];

  it('is a deviation of its own kind, with what was waived, on what, and the words typed', () => {
    const list = deviations(events);
    expect(list.map((d) => d.category)).toEqual(['skip', 'break-glass']);
    expect(list[1]?.text).toBe(
      'break-glass: changed a target with the local lock only (the team ledger could not be reached) (sqlite /srv/app.db); reason given: "INC-4711: ledger unreachable"',
    );
  });

  it('leads the Markdown and the HTML report, before skips that happened earlier', () => {
    const md = renderMarkdown(report(events));
    expect(md.indexOf('### Break-glass: guards waived')).toBeGreaterThan(-1);
    expect(md.indexOf('### Break-glass: guards waived')).toBeLessThan(md.indexOf('### Skipped steps'));
    const html = renderHtml(report(events));
    expect(html.indexOf('Break-glass: guards waived')).toBeGreaterThan(-1);
    expect(html.indexOf('Break-glass: guards waived')).toBeLessThan(html.indexOf('Skipped steps'));
  });

  it('keeps a succeeded run from reading plain "succeeded"', () => {
    expect(runVerdict('succeeded', [waived(1, 'INC-4711: approver unreachable')])).toEqual({ verdict: 'succeeded-with-deviations', deviations: 1 });
  });
});
