// The rows beside the chain (runs, steps, snapshots) are plain tables anyone with write access
// to the database file can edit without touching the chain. What Handrail shows or acts on is
// therefore re-derived from the run's chain events and compared with the rows: a difference
// is tampering (or a row lost), named by table, row and column, and the chain's value is the
// one shown. Pure: the caller reads the run's events (its non-output ones, by the run index).
import type { RecordMismatch } from '../../contract/record-check.js';
import type { Run, RunStatus, RunStep } from '../../contract/run.js';
import { STEP_STATUSES } from '../../contract/run-states.js';
import type { Snapshot } from '../../contract/snapshot.js';
import { bodySha256, eventHash } from './chain-hash.js';
import type { StoredEvent } from './verify-chain.js';

/**
 * A row's start and finish times are written a moment apart from the event that records them
 * (the same transaction, or the one right after it); a difference beyond this is an edit.
 */
const CLOCK_SLACK_MS = 60_000;

interface ChainStep {
  status: RunStep['status'];
  attempt: number;
  exitCode: number | null;
  signal: string | null;
  reason: string | null;
  note: string | null;
  seq: number;
}

/** A run as its chain events tell it. */
export interface ChainRun {
  startSeq: number;
  runbookId: string | null;
  version: string | null;
  sha256: string | null;
  environment: string | null;
  operator: string;
  inputs: unknown;
  /** The incident id the run was started for; null when its start names none. */
  incident: string | null;
  startedAt: string;
  status: RunStatus;
  statusSeq: number;
  finishedAt: string | null;
  steps: Map<number, ChainStep>;
  /** snapshot.verified bodies by snapshot id, with their event's seq. */
  snapshots: Map<string, { seq: number; body: Record<string, unknown> }>;
}

export interface RunRecordInput {
  run: Run;
  steps?: readonly RunStep[];
  snapshots?: readonly Snapshot[];
  /** The run's events in seq order (step.output events may be left out). */
  events: readonly StoredEvent[];
  /** SHA-256 of the runbook bytes stored with the run (runs.runbook_source), when read. */
  sourceSha256?: string | undefined;
  /** The run was recorded before the chain existed (only the old events table has it): not checked. */
  predatesChain?: boolean;
}

export interface RunRecordCheck {
  /** The run as shown: the chain's values where the row differs. */
  run: Run;
  steps: RunStep[];
  mismatches: RecordMismatch[];
}

const STEP_STATUS_NAMES = new Set<string>(STEP_STATUSES);
const FINISHING = new Set(['run.succeeded', 'run.failed', 'run.aborted']);

function parseBody(event: StoredEvent): Record<string, unknown> {
  try {
    const parsed: unknown = event.bodyJson === null ? null : JSON.parse(event.bodyJson);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The event's own hash and its body's hash still hold (the link to its predecessor is `audit verify`'s). */
export function eventIntact(event: StoredEvent): boolean {
  try {
    return eventHash(event.prevHash, event) === event.hash && event.bodyJson !== null && bodySha256(event.bodyJson) === event.bodySha256;
  } catch {
    return false;
  }
}

const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const intOrNull = (v: unknown): number | null => (typeof v === 'number' && Number.isInteger(v) ? v : null);

/** The run as its events tell it; undefined when the chain never recorded its start. */
export function deriveRun(events: readonly StoredEvent[]): ChainRun | undefined {
  let run: ChainRun | undefined;
  const stepOf = (idx: number): ChainStep => {
    const steps = run!.steps;
    let step = steps.get(idx);
    if (!step) {
      step = { status: 'pending', attempt: 0, exitCode: null, signal: null, reason: null, note: null, seq: 0 };
      steps.set(idx, step);
    }
    return step;
  };
  for (const e of events) {
    const body = parseBody(e);
    if (e.kind === 'run.started') {
      run = {
        startSeq: e.seq,
        runbookId: text(body.runbook),
        version: text(body.version),
        sha256: text(body.sha256),
        environment: text(body.environment) ?? e.environment,
        operator: e.operator,
        inputs: body.inputs,
        incident: text(body.incident),
        startedAt: e.at,
        status: 'running',
        statusSeq: e.seq,
        finishedAt: null,
        steps: new Map(),
        snapshots: new Map(),
      };
      continue;
    }
    if (!run) continue;
    if (e.kind === 'run.resumed') {
      Object.assign(run, { status: 'running', statusSeq: e.seq, finishedAt: null });
    } else if (FINISHING.has(e.kind)) {
      Object.assign(run, { status: e.kind.slice('run.'.length) as RunStatus, statusSeq: e.seq, finishedAt: e.at });
    } else if (e.kind === 'run.interrupted') {
      Object.assign(run, { status: 'interrupted', statusSeq: e.seq, finishedAt: null });
      // A crash leaves the steps it caught running in doubt, recorded here rather than per step.
      for (const idx of Array.isArray(body.inDoubtSteps) ? body.inDoubtSteps : []) {
        if (typeof idx === 'number') Object.assign(stepOf(idx), { status: 'in-doubt', seq: e.seq });
      }
    } else if (e.kind === 'snapshot.verified' && typeof body.id === 'string') {
      run.snapshots.set(body.id, { seq: e.seq, body });
    } else if (e.kind.startsWith('step.') && e.stepIdx !== null && STEP_STATUS_NAMES.has(e.kind.slice('step.'.length))) {
      applyStep(stepOf(e.stepIdx), e.kind.slice('step.'.length) as RunStep['status'], body, e.seq);
    }
  }
  return run;
}

/** The store's own transition rule (store/step-transition.ts), replayed from the event's body. */
function applyStep(step: ChainStep, status: RunStep['status'], body: Record<string, unknown>, seq: number): void {
  step.seq = seq;
  step.status = status;
  if (status === 'running') {
    step.attempt = intOrNull(body.attempt) ?? step.attempt + 1;
    step.exitCode = null;
    step.signal = null;
    step.reason = null;
  }
  if ('exitCode' in body) step.exitCode = intOrNull(body.exitCode);
  if ('signal' in body) step.signal = text(body.signal);
  if ('reason' in body) step.reason = text(body.reason);
  if ('note' in body) step.note = text(body.note);
}

/** What a person is told where the row is shown: the chain's value replaces the row's. */
export function shownMessage(m: RecordMismatch): string {
  return m.field === 'row' || m.table === 'audit_events' ? m.message : `${m.message}; the trail is shown`;
}

function show(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? value : stableJson(value);
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function mismatch(table: RecordMismatch['table'], row: string, field: string, recorded: unknown, chain: unknown, seq: number): RecordMismatch {
  const r = show(recorded);
  const c = show(chain);
  return {
    table, row, field, recorded: r, chain: c, seq,
    message: `${table} row ${row}: ${field} says ${visible(r) ?? '(nothing)'}, the audit trail says ${visible(c) ?? '(nothing)'} — the row was edited`,
  };
}

/**
 * An edited row's value is whatever the editor wrote: the message is printed in terminals,
 * so a control or invisible character (an escape sequence, a bidi override) is written as
 * `\u{…}` instead of acting on the terminal. `recorded` keeps the value as it is.
 */
function visible(value: string | null): string | null {
  return value === null ? null : value.replace(/[\p{Cc}\p{Cf}\u2028\u2029]/gu, (ch) => `\\u{${(ch.codePointAt(0) ?? 0).toString(16)}}`);
}

function timesDiffer(row: string | null, chain: string | null): boolean {
  if (row === null || chain === null) return row !== chain;
  const ms = Math.abs(Date.parse(row) - Date.parse(chain));
  return !Number.isFinite(ms) || ms > CLOCK_SLACK_MS;
}

/**
 * Compares a run's rows with its chain events. Returns the run and steps as they should be
 * shown (the chain's values where they differ) and every difference.
 */
export function checkRunRecord(input: RunRecordInput): RunRecordCheck {
  const { run } = input;
  const steps = [...(input.steps ?? [])];
  if (input.predatesChain) return { run, steps, mismatches: [] };
  const mismatches: RecordMismatch[] = [];
  const broken = input.events.find((e) => !eventIntact(e));
  if (broken) {
    mismatches.push({ table: 'audit_events', row: String(broken.seq), field: 'hash', recorded: null, chain: null, seq: broken.seq,
      message: `event ${broken.seq} (${broken.kind}) of run ${run.id} no longer matches its hash: the audit trail itself was edited; run handrail audit verify` });
  }
  const chain = deriveRun(input.events);
  if (!chain) {
    const last = input.events.at(-1)?.seq ?? 0;
    mismatches.push({ table: 'runs', row: run.id, field: 'row', recorded: run.status, chain: null, seq: last,
      message: `runs row ${run.id}: the audit trail has no record of this run — the row was added outside Handrail` });
    return { run, steps, mismatches };
  }
  const shown: Run = { ...run };
  const compare = <K extends keyof Run>(key: K, field: string, value: Run[K], seq: number, differ = show(run[key]) !== show(value)) => {
    if (!differ) return;
    mismatches.push(mismatch('runs', run.id, field, run[key], value, seq));
    shown[key] = value;
  };
  compare('status', 'status', chain.status, chain.statusSeq);
  compare('operator', 'operator', chain.operator, chain.startSeq);
  if (chain.runbookId !== null) compare('runbookId', 'runbook_id', chain.runbookId, chain.startSeq);
  if (chain.version !== null) compare('runbookVersion', 'runbook_version', chain.version, chain.startSeq);
  if (chain.sha256 !== null) compare('runbookSha256', 'runbook_sha256', chain.sha256, chain.startSeq);
  if (chain.environment !== null) compare('environment', 'environment', chain.environment, chain.startSeq);
  if (chain.inputs !== undefined && typeof chain.inputs === 'object' && chain.inputs !== null) {
    compare('inputs', 'inputs_json', chain.inputs as Run['inputs'], chain.startSeq);
  }
  // Always compared: a run started without one (or before incidents were recorded) has none,
  // so an id added to its row later is as much an edit as one changed.
  compare('incident', 'incident', chain.incident, chain.startSeq);
  compare('startedAt', 'started_at', chain.startedAt, chain.startSeq, timesDiffer(run.startedAt, chain.startedAt));
  compare('finishedAt', 'finished_at', chain.finishedAt, chain.statusSeq, timesDiffer(run.finishedAt, chain.finishedAt));
  if (input.sourceSha256 !== undefined && chain.sha256 !== null && input.sourceSha256 !== chain.sha256) {
    mismatches.push({ table: 'runs', row: run.id, field: 'runbook_source', recorded: input.sourceSha256, chain: chain.sha256, seq: chain.startSeq,
      message: `runs row ${run.id}: runbook_source has SHA-256 ${input.sourceSha256.slice(0, 12)}…, the audit trail says the run used ${chain.sha256.slice(0, 12)}… — the stored runbook was edited` });
  }
  const shownSteps = steps.map((s) => checkStep(run.id, s, chain, mismatches));
  for (const snapshot of input.snapshots ?? []) mismatches.push(...checkSnapshotRecord(snapshot, chain.snapshots.get(snapshot.id)));
  return { run: shown, steps: shownSteps, mismatches };
}

function checkStep(runId: string, step: RunStep, chain: ChainRun, out: RecordMismatch[]): RunStep {
  const truth = chain.steps.get(step.idx) ?? { status: 'pending', attempt: 0, exitCode: null, signal: null, reason: null, note: null, seq: chain.startSeq };
  const shown: RunStep = { ...step };
  const row = `${runId} step ${step.idx + 1}`;
  const fields: [keyof RunStep & keyof ChainStep, string][] = [
    ['status', 'status'], ['attempt', 'attempt'], ['exitCode', 'exit_code'], ['signal', 'signal'], ['reason', 'reason'], ['note', 'note'],
  ];
  for (const [key, column] of fields) {
    if (show(step[key]) === show(truth[key])) continue;
    out.push(mismatch('steps', row, column, step[key], truth[key], truth.seq));
    (shown as Record<string, unknown>)[key] = truth[key];
  }
  return shown;
}

/** The snapshot.verified event's record of a snapshot against its row (undefined: no event). */
export function checkSnapshotRecord(snapshot: Snapshot, recorded: { seq: number; body: Record<string, unknown> } | undefined): RecordMismatch[] {
  if (!recorded) {
    return [{ table: 'snapshots', row: snapshot.id, field: 'row', recorded: snapshot.sha256, chain: null, seq: 0,
      message: `snapshots row ${snapshot.id}: the audit trail has no record of this snapshot being verified — the row was added outside Handrail` }];
  }
  const out: RecordMismatch[] = [];
  const fields: [keyof Snapshot, string][] = [['sha256', 'sha256'], ['path', 'path'], ['bytes', 'bytes'], ['location', 'location'], ['target', 'target'], ['environment', 'environment'], ['kind', 'kind']];
  for (const [key, column] of fields) {
    if (show(snapshot[key]) !== show(recorded.body[key])) out.push(mismatch('snapshots', snapshot.id, column, snapshot[key], recorded.body[key], recorded.seq));
  }
  return out;
}

/**
 * Snapshot rows as a list shows them: each with its snapshot.verified event's values where
 * the row differs, and every difference. A row with no event is flagged unless it was taken
 * before the chain began (`chainStart`, null: the chain is empty).
 */
export function checkSnapshotRows(
  rows: readonly Snapshot[],
  records: ReadonlyMap<string, { seq: number; body: Record<string, unknown> }>,
  chainStart: string | null,
): { snapshots: Snapshot[]; mismatches: RecordMismatch[] } {
  const mismatches: RecordMismatch[] = [];
  const snapshots = rows.map((row) => {
    const record = records.get(row.id);
    if (!record && (chainStart === null || row.createdAt < chainStart)) return row;
    const found = checkSnapshotRecord(row, record);
    mismatches.push(...found);
    if (!record || found.length === 0) return row;
    const b = record.body;
    return {
      ...row,
      ...(typeof b.sha256 === 'string' ? { sha256: b.sha256 } : {}),
      ...(typeof b.path === 'string' ? { path: b.path } : {}),
      ...(typeof b.bytes === 'number' ? { bytes: b.bytes } : {}),
      ...(typeof b.location === 'string' ? { location: b.location } : {}),
      ...(typeof b.target === 'string' ? { target: b.target } : {}),
      ...(typeof b.environment === 'string' ? { environment: b.environment } : {}),
    };
  });
  return { snapshots, mismatches };
}
