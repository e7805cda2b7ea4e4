// One run as its page shows it: steps with their views from the runbook bytes the run is
// bound to (not the file as it is now), the question it waits on when live, its snapshots,
// what a reviewer must not miss (deviations first), a timeline of its events, and reviews.
import type { RunDetail, SnapshotProgress } from '../../contract/api.js';
import type { Run } from '../../contract/run.js';
import type { Snapshot } from '../../contract/snapshot.js';
import { OUTPUT_EVENT } from '../../core/audit/output-event.js';
import { deviations, toReportEvent } from '../../core/audit/report-model.js';
import { runVerdict } from '../../core/audit/run-verdict.js';
import { parseRunbook } from '../../core/runbook/parse-runbook.js';
import type { AppDatabase } from '../../store/open-database.js';
import { eventsInScope } from '../../store/audit-events-read.js';
import { snapshotIdsOfRun } from '../../store/run-snapshots-read.js';
import { REVIEW_KIND } from '../audit-search-service.js';
import { checkRun } from '../run-records.js';
import { sha256Of, trustedVersionBytes } from '../runbook-versions.js';
import type { RunService } from '../run-service.js';
import { teamLockNotesOf } from '../team/team-lock-kept.js';
import { summarize } from './event-summary.js';
import type { LiveRun } from './live-run.js';
import { toStepView } from './step-view.js';

/** The timeline keeps the newest this many events (deviations are taken from all of them). */
const TIMELINE_EVENTS = 500;

export interface RunDetailSources {
  runs: RunService;
  db: AppDatabase['db'];
  live: LiveRun | undefined;
  /** Whether the inventory marks the environment protected now (for runs not driven here). */
  isProtected: (environment: string) => Promise<boolean>;
  /** What a resume in this console said before the run went on (run-driver.ts). */
  notices: readonly string[];
}

export async function runDetail(src: RunDetailSources, row: Run): Promise<RunDetail> {
  const { runs, live } = src;
  // What the page shows is checked against the run's chain events: an edited row is named, and the trail's values shown.
  const checked = checkRun(src.db, runs.store, runs.snapshots, row.id);
  const run = checked?.run ?? row;
  // An edited runbook_source is never parsed into the page: the version store's copy (checked by its hash) stands in.
  const sourceEdited = checked?.tampering.some((m) => m.field === 'runbook_source') ?? false;
  const book = boundRunbook(run, () => (sourceEdited ? versionSource(src.db, run) : runs.store.getRunbookSource(run.id)));
  const events = eventsInScope(src.db, { runId: run.id, since: null, until: null }, [OUTPUT_EVENT]).map(toReportEvent);
  const verdict = runVerdict(run.status, events);
  const snapshots = snapshotIdsOfRun(src.db, run.id).flatMap((id) => runs.snapshots.get(id) ?? []);
  return {
    run,
    steps: checked?.steps ?? runs.store.listSteps(run.id),
    stepViews: book.steps,
    runbookTitle: book.title ?? run.runbookId,
    environmentProtected: live ? live.environmentProtected : await src.isProtected(run.environment),
    live: live !== undefined,
    prompt: live?.prompt ?? null,
    snapshots,
    snapshotProgress: progressOf(snapshots, live),
    deviations: deviations(events).map((d) => ({ kind: d.category, idx: d.step, text: d.text, at: d.at })),
    events: events.slice(-TIMELINE_EVENTS).map((e) => ({ seq: e.seq, at: e.at, kind: e.kind, operator: e.operator, idx: e.stepIdx, summary: summarize(e) })),
    reviews: events
      .filter((e) => e.kind === REVIEW_KIND)
      .map((e) => ({ seq: e.seq, at: e.at, reviewer: e.operator, note: typeof e.body?.note === 'string' ? e.body.note : '' })),
    tampering: checked?.tampering ?? [],
    ...teamLockNotesOf(events, run.status),
    verdict: verdict.verdict,
    deviationCount: verdict.deviations,
    notices: [...src.notices],
  };
}

/** Verified snapshots as recorded, overlaid with what this console saw live (the bar in progress). */
function progressOf(snapshots: Snapshot[], live: LiveRun | undefined): SnapshotProgress[] {
  const byKey = new Map<string, SnapshotProgress>();
  for (const s of snapshots) {
    if (s.reason !== 'step' || s.step === null) continue;
    byKey.set(`${s.step}/${s.target}`, { idx: s.step, target: s.target, phase: 'verified', bytes: s.bytes, sha256: s.sha256 });
  }
  // What this console saw is as new as the record or newer (a retried step snapshots again).
  for (const p of live?.snapshotProgress() ?? []) byKey.set(`${p.idx}/${p.target}`, p);
  return [...byKey.values()].sort((a, b) => a.idx - b.idx || a.target.localeCompare(b.target));
}

interface BoundRunbook {
  title: string | undefined;
  steps: RunDetail['stepViews'];
}

/** Parsed once per runbook version (SHA-256): the page is reloaded at every change of a live run. */
const parsedBySha = new Map<string, BoundRunbook>();
const CACHE_SIZE = 64;

function boundRunbook(run: Run, read: () => Uint8Array | undefined): BoundRunbook {
  const cached = parsedBySha.get(run.runbookSha256);
  if (cached) return cached;
  const source = read();
  if (source && sha256Of(source) !== run.runbookSha256) return { title: undefined, steps: [] };
  const parsed = source ? parseRunbook(run.runbookPath, source) : undefined;
  const model = parsed?.runbook ?? parsed?.draft;
  const book = { title: model?.frontMatter.title, steps: (model?.steps ?? []).map(toStepView) };
  if (parsedBySha.size >= CACHE_SIZE) parsedBySha.delete(parsedBySha.keys().next().value ?? '');
  parsedBySha.set(run.runbookSha256, book);
  return book;
}

function versionSource(db: AppDatabase['db'], run: Run): Uint8Array | undefined {
  try {
    return trustedVersionBytes(db, { runbookId: run.runbookId, version: run.runbookVersion, sha256: run.runbookSha256 }, 'shown');
  } catch {
    return undefined;
  }
}
