// The handover report as plain data: what src/app gathers from the store and what the
// Markdown and HTML renderers print. Pure types and one pure function (deviations), so a
// report can be rendered and tested without a database.
import { DEVIATION_EVENT, deviationText } from '../guards/break-glass.js';
import type { StoredEvent } from './verify-chain.js';

/** One audit event as a report reads it: the chained fields plus its parsed body. */
export interface ReportEvent {
  seq: number;
  at: string;
  operator: string;
  kind: string;
  runId: string | null;
  stepIdx: number | null;
  environment: string | null;
  target: string | null;
  /** The parsed body; null when it is missing or not an object. */
  body: Record<string, unknown> | null;
}

/** A stored event as reports and the consoles read it: its body parsed (null when damaged). */
export function toReportEvent(e: StoredEvent): ReportEvent {
  let body: Record<string, unknown> | null = null;
  try {
    const parsed: unknown = e.bodyJson === null ? null : JSON.parse(e.bodyJson);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) body = parsed as Record<string, unknown>;
  } catch {
    // A damaged body is for `audit verify` to report; the event is still listed.
  }
  return { seq: e.seq, at: e.at, operator: e.operator, kind: e.kind, runId: e.runId, stepIdx: e.stepIdx, environment: e.environment, target: e.target, body };
}

export interface OutputExcerpt {
  head: string[];
  tail: string[];
  /** Lines between head and tail left out of the report. */
  omitted: number;
  totalLines: number;
}

export interface ReportStep {
  idx: number;
  title: string;
  kind: string;
  target: string | null;
  /**
   * The action of the runbook bytes the run is bound to, with the run's inputs in as it ran
   * them (the same preview the operator saw); a secret input shows as [secret: name].
   */
  command: string | null;
  status: string;
  attempt: number;
  startedAt: string | null;
  finishedAt: string | null;
  exitCode: number | null;
  reason: string | null;
  note: string | null;
  /** Of the last attempt; null when the step never ran. */
  output: OutputExcerpt | null;
}

export interface ReportSnapshot {
  id: string;
  step: number | null;
  target: string;
  kind: string;
  reason: string;
  bytes: number;
  sha256: string;
  verified: boolean;
  createdAt: string;
  deletedAt: string | null;
}

export interface ReportRun {
  id: string;
  title: string;
  runbookId: string;
  version: string;
  sha256: string;
  path: string;
  environment: string;
  status: string;
  operators: string[];
  startedAt: string;
  finishedAt: string | null;
  steps: ReportStep[];
  snapshots: ReportSnapshot[];
  /** `audit review` events of the run: who reviewed it, when, what they said. */
  reviews: { seq: number; at: string; reviewer: string; note: string }[];
  /** Where the run's rows differ from its audit trail (edited outside Handrail); the values above are the trail's. */
  tampering: string[];
  /** "succeeded with deviations (2)": the status as every face says it (run-verdict.ts). */
  verdict: string;
  /** The inputs the run used, secrets as [secret]. */
  inputs: [string, string][];
  /** Restores after this run that put a database it changed back to a state from before the change. */
  undoneBy: { seq: number; at: string; operator: string; snapshot: string; target: string }[];
}

export interface ReportVerification {
  ok: boolean;
  events: number;
  checkpoints: number;
  headSeq: number | null;
  keyFingerprint: string | null;
  /** The first problems, as `audit verify` words them. */
  problems: { seq: number; kind: string; message: string }[];
}

export interface HandoverReport {
  generatedAt: string;
  generatedBy: string;
  scope: { runId: string | null; since: string | null; until: string | null };
  /** Every event in scope, in seq order (the deviations are taken from these). */
  events: ReportEvent[];
  runs: ReportRun[];
  verification: ReportVerification;
}

export type DeviationCategory = 'break-glass' | 'skip' | 'retry' | 'failure' | 'in-doubt' | 'restore' | 'confirmation' | 'guard' | 'other';

export interface Deviation {
  category: DeviationCategory;
  seq: number;
  at: string;
  operator: string;
  runId: string | null;
  step: number | null;
  text: string;
}

export const CATEGORY_TITLES: Record<DeviationCategory, string> = {
  // First: a guard someone chose to go past is what a reviewer must read before anything else.
  'break-glass': 'Break-glass: guards waived',
  skip: 'Skipped steps',
  retry: 'Retries',
  failure: 'Failed steps and expectations',
  'in-doubt': 'In-doubt steps and decisions',
  restore: 'Restores',
  confirmation: 'Confirmations',
  guard: 'Guard refusals',
  other: 'Other',
};

const str = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/**
 * What a reviewer must not miss, in the order it happened. The engine records a skip twice
 * (the step's new status, then the skip itself), so a repeated skip of the same step with
 * the same reason is listed once.
 */
export function deviations(events: readonly ReportEvent[]): Deviation[] {
  const out: Deviation[] = [];
  const skipsSeen = new Set<string>();
  for (const e of events) {
    const b = e.body ?? {};
    const add = (category: DeviationCategory, text: string) =>
      out.push({ category, seq: e.seq, at: e.at, operator: e.operator, runId: e.runId, step: e.stepIdx, text });
    if (e.kind === DEVIATION_EVENT && b.kind === 'break-glass') {
      add('break-glass', deviationText(b));
    } else if (e.kind === 'step.skipped') {
      const key = `${e.runId}/${e.stepIdx}/${str(b.reason)}`;
      if (!skipsSeen.has(key)) add('skip', `skipped: ${str(b.reason) ?? 'no reason recorded'}`);
      skipsSeen.add(key);
    } else if (e.kind === 'step.retried') {
      add('retry', `retried after it failed: ${str(b.reason) ?? 'no reason recorded'}`);
    } else if (e.kind === 'step.decided') {
      const decision = str(b.decision) ?? str(b.action) ?? 'unknown';
      const why = str(b.why) ?? str(b.reason) ?? str(b.note);
      add('in-doubt', `in doubt after a crash; decided: ${decision}${why ? ` (${why})` : ''}`);
      if (decision === 'retry') add('retry', `run again after a crash left it in doubt${why ? ` (${why})` : ''}`);
    } else if (e.kind === 'run.interrupted') {
      const steps = Array.isArray(b.inDoubtSteps) ? b.inDoubtSteps.map((i) => `step ${Number(i) + 1}`).join(', ') : '';
      add('in-doubt', `run interrupted (Handrail stopped${str(b.host) ? ` on ${str(b.host)}` : ''})${steps ? `; in doubt: ${steps}` : ''}`);
    } else if (e.kind === 'step.process.alive') {
      add('in-doubt', `${str(b.report) ?? `its command (pid ${String(b.pid)}) was still running`}; it is stopped, or has ended, before the step is decided`);
    } else if (e.kind === 'step.process.stopped') {
      add('in-doubt', `its command from the run that died (pid ${String(b.pid)}) was stopped before the run went on`);
    } else if (e.kind === 'step.failed') {
      const reason = str(b.reason) ?? (typeof b.exitCode === 'number' ? `exit code ${b.exitCode}` : 'no reason recorded');
      add('failure', `${/expect/i.test(reason) ? 'failed expectation' : 'failed'}: ${reason}`);
    } else if (e.kind.startsWith('restore.')) {
      const detail = [str(b.snapshot) && `snapshot ${str(b.snapshot)}`, str(b.target) && `of ${str(b.target)}`,
        str(b.reason), str(b.preRestoreSnapshot) && `state before kept in ${str(b.preRestoreSnapshot)}`].filter(Boolean).join(', ');
      add('restore', `${e.kind.slice('restore.'.length)}: ${detail}`);
    } else if (e.kind === 'confirmation' || e.kind === 'confirmation.refused') {
      const env = str(b.environment) ?? e.environment ?? 'unknown environment';
      add('confirmation', e.kind === 'confirmation' ? `confirmed in ${env} (${str(b.how) ?? 'how not recorded'})` : `confirmation refused in ${env}: ${str(b.message) ?? ''}`);
    } else if (e.kind === 'guard.refused') {
      add('guard', `refused ${str(b.runbook) ?? 'a run'} in ${str(b.environment) ?? 'an environment'}: ${str(b.reason) ?? 'no reason recorded'}`);
    } else if (['run.aborted', 'run.failed', 'snapshot.failed', 'output.cut'].includes(e.kind) || e.kind.endsWith('.refused')) {
      add('other', `${e.kind}${str(b.reason) ? `: ${str(b.reason)}` : ''}`);
    }
  }
  return out;
}

/** Milliseconds between two ISO times, or null when either is missing. */
export function durationMs(start: string | null, end: string | null): number | null {
  if (!start || !end) return null;
  const ms = Date.parse(end) - Date.parse(start);
  return Number.isFinite(ms) ? ms : null;
}

export function formatDuration(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** Why a snapshot was taken, in words. */
export function snapshotWhy(s: Pick<ReportSnapshot, 'reason' | 'step'>): string {
  if (s.reason === 'step') return s.step === null ? 'before a step' : `before step ${s.step + 1}`;
  if (s.reason === 'pre-restore') return 'of the state a restore replaced';
  return s.reason === 'manual' ? 'taken by hand' : s.reason;
}
