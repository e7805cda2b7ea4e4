// The selected step in full: what it says, the exact command and target, its
// expectations, its snapshots, and its output.
import { useEffect, useState, type ReactNode } from 'react';
import type { EnvironmentInfo, RunDetail, SnapshotProgress } from '../../../../src/contract/api.js';
import { OutputTerminal } from '../../components/output-terminal.js';
import { Prose } from '../../components/markdown.js';
import { StatusBadge } from '../../components/status-badge.js';
import { durationOf, formatDuration, formatTime } from '../../lib/format.js';
import { STEP_STATUS } from '../../lib/status.js';
import { SnapshotStatus } from './snapshot-status.js';
import { StepTags } from './step-tags.js';

export function StepPanel({
  detail,
  idx,
  progress,
  environment,
  children,
}: {
  detail: RunDetail;
  idx: number;
  progress: readonly SnapshotProgress[];
  environment: EnvironmentInfo | undefined;
  /** The decision panel, when the engine waits on this step. */
  children?: ReactNode;
}) {
  const view = detail.stepViews[idx];
  const step = detail.steps[idx];
  if (!view || !step) return null;
  const target = view.target ? environment?.targets.find((t) => t.name === view.target) : undefined;
  const duration = durationOf(step.startedAt, step.finishedAt);
  const deviations = detail.deviations.filter((d) => d.idx === idx);
  const live = detail.live && (step.status === 'running' || step.status === 'snapshotting' || step.status === 'snapshot-verified' || detail.prompt?.idx === idx);

  return (
    <section className="step-panel" aria-label={`Step ${idx + 1}`}>
      <h2 className="step-panel-title" tabIndex={-1}>
        Step {idx + 1} of {detail.steps.length}: {view.title}
      </h2>
      <div className="step-panel-status">
        <StatusBadge look={STEP_STATUS[step.status]} /> <StepTags step={view} />
        {step.attempt > 0 ? <span className="small muted"> attempt {step.attempt}</span> : null}
        {step.startedAt ? (
          <span className="small muted">
            {' '}
            · started {formatTime(step.startedAt)}
            {duration !== null && step.finishedAt ? ` · took ${formatDuration(duration)}` : ''}
          </span>
        ) : null}
        {detail.live && step.status === 'running' && step.startedAt ? <Elapsed since={step.startedAt} timeoutMs={view.timeoutMs} /> : null}
      </div>
      {step.reason ? (
        <p className={`step-reason ${step.status === 'failed' ? 'bad' : 'warn'}`}>
          <strong>{step.status === 'skipped' ? 'Skipped because:' : 'Reason:'}</strong> {step.reason}
        </p>
      ) : null}
      {step.note ? (
        <p className="step-note">
          <strong>Note:</strong> {step.note}
        </p>
      ) : null}
      {children}
      <Prose text={view.prose} />
      {view.command ? (
        <div className="command-block">
          <div className="command-caption">
            {view.kind.toUpperCase()} on target <code>{view.target ?? 'local'}</code>
            {target ? (
              <>
                {' '}
                → {target.kind} <code>{target.where}</code>
              </>
            ) : null}
          </div>
          <pre className="command">
            <code>{view.command}</code>
          </pre>
        </div>
      ) : (
        <p className="muted">A manual step: nothing runs; you do it and mark it done.</p>
      )}
      <SnapshotStatus progress={progress.filter((p) => p.idx === idx)} snapshots={detail.snapshots.filter((s) => s.runId === detail.run.id && s.step === idx)} />
      {view.kind !== 'manual' ? (
        <OutputTerminal source={{ runId: detail.run.id, idx, attempt: step.attempt, live }} label={`Output of step ${idx + 1}`} />
      ) : null}
      {view.expectations.length > 0 ? (
        <div className="expectations">
          <h3>Expectations</h3>
          <ul>
            {view.expectations.map((e) => (
              <li key={e}>
                <ExpectationMark status={step.status} /> {e}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {deviations.length > 0 ? (
        <ul className="deviation-notes">
          {deviations.map((d, i) => (
            <li key={i} className="deviation">
              <strong>{d.kind}</strong>: {d.text}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}

function ExpectationMark({ status }: { status: string }) {
  if (status === 'succeeded') return <span className="ok">✓ met:</span>;
  if (status === 'failed') return <span className="bad">✗ checked:</span>;
  return <span className="muted">○ will check:</span>;
}

/** How long the running step has taken so far, against its time limit when it has one. */
function Elapsed({ since, timeoutMs }: { since: string; timeoutMs: number | null }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const elapsed = durationOf(since, null, now) ?? 0;
  return (
    <span className="elapsed" role="timer" aria-live="off">
      running for <strong>{elapsed < 60_000 ? `${Math.floor(elapsed / 1000)} s` : formatDuration(elapsed)}</strong>
      {timeoutMs !== null ? <> of its {limitWords(timeoutMs)} time limit</> : ' (no time limit)'}
    </span>
  );
}

/** A time limit as the runbook author wrote it: `timeout=10m` reads "10 min". */
function limitWords(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  if (ms % 1000 === 0) return `${ms / 1000} s`;
  return `${ms} ms`;
}
