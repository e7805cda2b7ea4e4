// Gathers a handover report's data from the store: events in scope, the runs they touch,
// each step's command (from the runbook bytes the run is bound to, not the file on disk,
// which may have changed since), an excerpt of its output, and the run's snapshots.
import type { Run, RunStep } from '../contract/run.js';
import type { StepAction } from '../contract/runbook.js';
import { runVerdict, verdictText } from '../core/audit/run-verdict.js';
import { Redactor } from '../core/engine/redact.js';
import { loadShellGrammar } from '../core/engine/shell-placeholders.js';
import { displayCommand } from '../core/engine/step-actions.js';
import { REDACTED } from './run-types.js';
import { LineExcerpt } from '../core/audit/report-excerpt.js';
import { toReportEvent, type HandoverReport, type ReportEvent, type ReportRun, type ReportStep, type ReportVerification } from '../core/audit/report-model.js';
import type { StoredEvent } from '../core/audit/verify-chain.js';
import { parseRunbook } from '../core/runbook/parse-runbook.js';
import { eventsOfKindSince, type EventScope } from '../store/audit-events-read.js';
import type { AppDatabase } from '../store/open-database.js';
import type { RunStore } from '../store/run-store.js';
import type { SnapshotStore } from '../store/snapshot-store.js';
import { checkRun } from './run-records.js';

export interface ReportSources {
  db: AppDatabase['db'];
  store: RunStore;
  snapshots: SnapshotStore;
  events: StoredEvent[];
  scope: EventScope;
  verification: ReportVerification;
  generatedBy: string;
}

export async function gatherReport(src: ReportSources): Promise<HandoverReport> {
  // Commands are shown with the run's inputs in, the way the operator saw them (sh needs the grammar).
  await loadShellGrammar();
  const events = src.events.map(toReportEvent);
  const runIds = src.scope.runId !== null ? [src.scope.runId] : [...new Set(events.flatMap((e) => (e.runId === null ? [] : [e.runId])))];
  const runs: ReportRun[] = [];
  for (const id of runIds) {
    const run = src.store.getRun(id);
    // An event may name a run whose row is gone (it never existed in this database); the
    // deviations still list its events.
    if (run) runs.push(await gatherRun(src, run, events));
  }
  return { generatedAt: new Date().toISOString(), generatedBy: src.generatedBy, scope: src.scope, events, runs, verification: src.verification };
}

/**
 * A step as every report shows it: its command as run and the first and last lines of its
 * output (read only for a step that ran). The local and the team report both build it here.
 */
export async function reportStep(
  step: RunStep,
  title: string,
  action: StepAction | undefined,
  inputs: Run['inputs'],
  output: () => AsyncIterable<{ data: Uint8Array }>,
): Promise<ReportStep> {
  let excerpt = null;
  if (step.attempt > 0) {
    const lines = new LineExcerpt(20);
    for await (const chunk of output()) lines.push(chunk.data);
    excerpt = lines.finish();
  }
  return {
    idx: step.idx,
    title,
    kind: step.kind,
    target: step.target,
    command: commandAsRun(action, inputs),
    status: step.status,
    attempt: step.attempt,
    startedAt: step.startedAt,
    finishedAt: step.finishedAt,
    exitCode: step.exitCode,
    reason: step.reason,
    note: step.note,
    output: excerpt,
  };
}

async function gatherRun(src: ReportSources, row: Run, events: ReportEvent[]): Promise<ReportRun> {
  // The report states what the chain recorded: an edited row is reported as such, with the trail's values.
  const checked = checkRun(src.db, src.store, src.snapshots, row.id);
  const run = checked?.run ?? row;
  const tampering = checked?.tampering ?? [];
  const source = tampering.some((m) => m.field === 'runbook_source') ? undefined : src.store.getRunbookSource(run.id);
  const runbook = source ? parseRunbook(run.runbookPath, source).runbook : undefined;
  const steps: ReportStep[] = [];
  for (const step of checked?.steps ?? src.store.listSteps(run.id)) {
    steps.push(await reportStep(step, step.title, runbook?.steps[step.idx]?.action, run.inputs, () => src.store.readOutput(run.id, step.idx, step.attempt)));
  }
  const snapshots = src.snapshots
    .list({ includeDeleted: true })
    .filter((s) => s.runId === run.id)
    .reverse()
    .map((s) => ({ id: s.id, step: s.step, target: s.target, kind: s.kind, reason: s.reason, bytes: s.bytes, sha256: s.sha256, verified: s.verified, createdAt: s.createdAt, deletedAt: s.deletedAt }));
  const ofRun = events.filter((e) => e.runId === run.id);
  // Account names as the chain records them, with the full name a person gave where they acted.
  const fullName = new Map(ofRun.flatMap((e) => (typeof e.body?.operatorName === 'string' ? [[e.operator, e.body.operatorName] as const] : [])));
  const operators = [...new Set([run.operator, ...ofRun.map((e) => e.operator)])].map((o) => (fullName.has(o) ? `${o} (${fullName.get(o)})` : o));
  return {
    id: run.id,
    title: runbook?.frontMatter.title ?? run.runbookId,
    runbookId: run.runbookId,
    version: run.runbookVersion,
    sha256: run.runbookSha256,
    path: run.runbookPath,
    environment: run.environment,
    incident: run.incident ?? null,
    status: run.status,
    operators,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    steps,
    snapshots,
    tampering: tampering.map((m) => m.message),
    verdict: verdictText(runVerdict(run.status, ofRun)),
    inputs: Object.entries(run.inputs).map(([name, value]) => [name, value === REDACTED ? '[secret]' : String(value)]),
    undoneBy: undoneBy(src, snapshots),
    // 'review' is the kind `audit review` records (src/app/audit-search-service.ts).
    reviews: events
      .filter((e) => e.runId === run.id && e.kind === 'review')
      .map((e) => ({ seq: e.seq, at: e.at, reviewer: e.operator, note: typeof e.body?.note === 'string' ? e.body.note : '' })),
  };
}

/** The step's action as the operator saw it before it ran: inputs in, secret inputs by name. */
export function commandAsRun(action: StepAction | undefined, inputs: Run['inputs']): string | null {
  if (!action) return null;
  const secrets = new Set(Object.entries(inputs).flatMap(([name, value]) => (value === REDACTED ? [name] : [])));
  try {
    return displayCommand(action, inputs, new Redactor([]), secrets);
  } catch {
    return action.code;
  }
}

/**
 * Restores that undid the run: after the run snapshotted a database (just before changing
 * it), that database was restored to a snapshot taken no later than that one.
 */
function undoneBy(src: ReportSources, taken: ReportRun['snapshots']): ReportRun['undoneBy'] {
  const changed = taken.filter((s) => s.reason === 'step');
  if (changed.length === 0) return [];
  const since = changed.reduce((min, s) => (s.createdAt < min ? s.createdAt : min), changed[0]?.createdAt ?? '');
  const byId = new Map(src.snapshots.list({ includeDeleted: true }).map((s) => [s.id, s]));
  return eventsOfKindSince(src.db, 'restore.finished', since).flatMap((e) => {
    const body = e.bodyJson === null ? {} : (JSON.parse(e.bodyJson) as { snapshot?: unknown });
    const restored = typeof body.snapshot === 'string' ? byId.get(body.snapshot) : undefined;
    if (!restored) return [];
    const undone = changed.some((s) => s.target === restored.target && restored.createdAt <= s.createdAt && e.at >= s.createdAt && restored.environment === byId.get(s.id)?.environment);
    return undone ? [{ seq: e.seq, at: e.at, operator: e.operator, snapshot: restored.id, target: restored.target }] : [];
  });
}
