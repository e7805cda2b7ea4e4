// A run as a lead sees it from the team ledger: rebuilt from the run's chain events alone.
// The ledger holds no runs or steps rows to trust, only what each machine chained and
// signed, so the run, its steps and their times are what those events say. Step titles are
// not chained; they come from the runbook bytes the run is bound to when the caller has
// them (the same SHA-256), else the step is named by its number. Pure.
import type { Run, RunStep, StepKind } from '../../contract/run.js';
import { RunInputs } from '../../contract/run.js';
import { deriveRun } from './run-record.js';
import type { StoredEvent } from './verify-chain.js';

/** What the runbook bytes say about each step, when the caller found them. */
export interface StepOutline {
  title: string;
  kind: StepKind;
  target: string | null;
}

export interface ChainRunView {
  run: Run;
  steps: RunStep[];
}

/**
 * The run `runId` as its events (in seq order, output events may be left out) tell it;
 * undefined when they hold no `run.started`. `outline`: the runbook's steps, by index.
 */
export function runFromChain(runId: string, events: readonly StoredEvent[], outline: readonly StepOutline[] = []): ChainRunView | undefined {
  const chain = deriveRun(events);
  if (!chain) return undefined;
  const started = events.find((e) => e.kind === 'run.started');
  const inputs = RunInputs.safeParse(chain.inputs);
  const run: Run = {
    id: runId,
    runbookId: chain.runbookId ?? '(unknown)',
    runbookVersion: chain.version ?? '?',
    runbookSha256: chain.sha256 ?? '',
    runbookPath: '',
    environment: chain.environment ?? '(unknown)',
    operator: chain.operator,
    status: chain.status,
    inputs: inputs.success ? inputs.data : {},
    incident: chain.incident,
    pid: null,
    host: started?.machine ?? null,
    startedAt: chain.startedAt,
    finishedAt: chain.finishedAt,
  };
  const times = stepTimes(events);
  const count = Math.max(outline.length, ...[...chain.steps.keys()].map((i) => i + 1), 0);
  const steps: RunStep[] = [];
  for (let idx = 0; idx < count; idx++) {
    const s = chain.steps.get(idx);
    const o = outline[idx];
    steps.push({
      runId,
      idx,
      title: o?.title ?? `step ${idx + 1}`,
      kind: o?.kind ?? 'manual',
      target: o?.target ?? null,
      status: s?.status ?? 'pending',
      attempt: s?.attempt ?? 0,
      exitCode: s?.exitCode ?? null,
      signal: s?.signal ?? null,
      reason: s?.reason ?? null,
      note: s?.note ?? null,
      startedAt: times.get(idx)?.startedAt ?? null,
      finishedAt: times.get(idx)?.finishedAt ?? null,
    });
  }
  return { run, steps };
}

const FINISHED = new Set(['step.succeeded', 'step.failed', 'step.skipped']);

/** When each step's last attempt started and finished, from its step events. */
function stepTimes(events: readonly StoredEvent[]): Map<number, { startedAt: string | null; finishedAt: string | null }> {
  const out = new Map<number, { startedAt: string | null; finishedAt: string | null }>();
  for (const e of events) {
    if (e.stepIdx === null || !e.kind.startsWith('step.')) continue;
    const t = out.get(e.stepIdx) ?? { startedAt: null, finishedAt: null };
    if (e.kind === 'step.running') Object.assign(t, { startedAt: e.at, finishedAt: null });
    else if (FINISHED.has(e.kind)) t.finishedAt = e.at;
    out.set(e.stepIdx, t);
  }
  return out;
}
