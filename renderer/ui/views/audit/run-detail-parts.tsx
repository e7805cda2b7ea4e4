// The parts a run's audit page and a team run's page show alike: the heading, the runbook facts, the
// Deviations panel, the timeline, the steps list, the snapshots panel and the events, and
// a step's head, record and command. Each page keeps what only it shows (the team page its
// machine and verification, the local page its link to the Run view, export and review);
// the DOM here is what both pages rendered before, as their tests and screen readers read it.
import type { ReactNode } from 'react';
import type { Run, RunStep, RunVerdict } from '../../../../src/contract/run.js';
import { PageHeading } from '../../components/page-heading.js';
import { StatusBadge } from '../../components/status-badge.js';
import { durationOf, formatDuration, formatTime } from '../../lib/format.js';
import { STEP_STATUS, verdictLook } from '../../lib/status.js';
import type { Deviation } from './deviations.js';
import { TimelineChart } from './timeline-chart.js';

/** One entry of a run's audit events, as both pages receive it. */
export interface RunEvent {
  seq: number;
  at: string;
  kind: string;
  operator: string;
  idx: number | null;
  summary: string;
}

/** The runbook's title and the run's verdict once loaded; `pending`: the heading until then. */
export function RunHeading({ detail, pending }: { detail: { runbookTitle: string; verdict: RunVerdict; deviationCount: number } | null | undefined; pending: ReactNode }) {
  return detail ? (
    <div className="run-header">
      <PageHeading>{detail.runbookTitle}</PageHeading>
      <StatusBadge look={verdictLook(detail.verdict, detail.deviationCount)} className="status-large" />
    </div>
  ) : (
    <PageHeading>{pending}</PageHeading>
  );
}

/** The facts after the page's own first ones, as `dt`/`dd` pairs for the page's `dl`. */
export function RunbookFacts({ run, environmentProtected = false }: { run: Run; environmentProtected?: boolean }) {
  const took = durationOf(run.startedAt, run.finishedAt);
  return (
    <>
      <dt>Runbook</dt>
      <dd>
        {run.runbookId} {run.runbookVersion} · SHA-256 <code className="checksum">{run.runbookSha256}</code>
      </dd>
      <dt>Environment</dt>
      <dd>
        {run.environment}
        {environmentProtected ? <strong className="bad"> (protected)</strong> : null}
      </dd>
      {run.incident ? (
        <>
          <dt>Incident</dt>
          <dd>{run.incident}</dd>
        </>
      ) : null}
      <dt>Operator</dt>
      <dd>{run.operator}</dd>
      <dt>Time</dt>
      <dd>
        {formatTime(run.startedAt)} → {formatTime(run.finishedAt)}
        {took !== null && run.finishedAt ? ` (${formatDuration(took)})` : ''}
      </dd>
      {Object.keys(run.inputs).length > 0 ? (
        <>
          <dt>Inputs</dt>
          <dd>
            {Object.entries(run.inputs).map(([k, v]) => (
              <code key={k} className="input-value">
                {k}={String(v)}
              </code>
            ))}
          </dd>
        </>
      ) : null}
    </>
  );
}

/** `titleOf`: a step's title by its index, from wherever the page has it. */
export function DeviationsPanel({ deviations, titleOf }: { deviations: readonly Deviation[]; titleOf: (idx: number) => string }) {
  return (
    <section className={`panel deviations ${deviations.length > 0 ? 'has-deviations' : ''}`} aria-label="Deviations">
      <h2>
        {deviations.length > 0 ? '⚠ ' : '✓ '}
        Deviations ({deviations.length})
      </h2>
      {deviations.length === 0 ? (
        <p>None: every step ran once and met its expectations.</p>
      ) : (
        <ul>
          {deviations.map((d, i) => (
            <li key={i} className="deviation">
              <strong>{d.idx !== null ? `Step ${d.idx + 1} (${titleOf(d.idx)})` : 'Run'}</strong> — <span className="tag tag-warn">{d.kind}</span> {d.text}
              {d.at ? <span className="small muted"> · {formatTime(d.at)}</span> : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function TimelinePanel({ detail }: { detail: { run: Run; steps: RunStep[] } }) {
  return (
    <section className="panel" aria-label="Timeline">
      <h2>Timeline</h2>
      <TimelineChart detail={detail} />
    </section>
  );
}

/** `children`: the page's own step items. */
export function StepsPanel({ children }: { children: ReactNode }) {
  return (
    <section className="panel" aria-label="Steps of this run">
      <h2>Steps</h2>
      <ol className="audit-steps">{children}</ol>
    </section>
  );
}

/** `children`: the page's table, shown when there is a snapshot; `after`: what follows either. */
export function SnapshotsPanel({ count, children, after }: { count: number; children: ReactNode; after?: ReactNode }) {
  return (
    <section className="panel" aria-label="Snapshots of this run">
      <h2>Snapshots</h2>
      {count === 0 ? <p className="muted">No snapshot was taken in this run.</p> : children}
      {after}
    </section>
  );
}

export function EventsPanel({ events }: { events: readonly RunEvent[] }) {
  return (
    <section className="panel" aria-label="Audit events of this run">
      <h2>Audit events ({events.length})</h2>
      <ol className="events">
        {events.map((e) => (
          <li key={e.seq}>
            <span className="muted small">
              #{e.seq} · {formatTime(e.at)} · {e.operator}
            </span>{' '}
            <code>{e.kind}</code>
            {e.idx !== null ? ` · step ${e.idx + 1}` : ''} — {e.summary}
          </li>
        ))}
      </ol>
    </section>
  );
}

/** A step's title, status and one line of what ran; `idx`: its place in the runbook; `showSignal`: the team page also says which signal ended it. */
export function StepHead({ idx, step, title, showSignal = false }: { idx: number; step: RunStep; title: string; showSignal?: boolean }) {
  const took = durationOf(step.startedAt, step.finishedAt);
  return (
    <div className="audit-step-head">
      <strong>
        {idx + 1}. {title}
      </strong>{' '}
      <StatusBadge look={STEP_STATUS[step.status]} />
      <span className="small muted">
        {' '}
        {step.kind}
        {step.target ? ` on ${step.target}` : ''}
        {step.attempt > 1 ? ` · ${step.attempt} attempts` : ''}
        {step.startedAt ? ` · ${formatTime(step.startedAt)}` : ''}
        {took !== null && step.finishedAt ? ` · ${formatDuration(took)}` : ''}
        {step.exitCode !== null ? ` · exit ${step.exitCode}` : ''}
        {showSignal && step.signal ? ` · ended by ${step.signal}` : ''}
      </span>
    </div>
  );
}

/** The step's reason, note and the confirmations given for it among the run's events. */
export function StepRecord({ idx, step, events }: { idx: number; step: RunStep; events: readonly RunEvent[] }) {
  const confirmations = events.filter((e) => e.idx === idx && /confirm/i.test(e.kind));
  return (
    <>
      {step.reason ? <p className="step-reason warn">Reason: {step.reason}</p> : null}
      {step.note ? <p className="step-note">Note: {step.note}</p> : null}
      {confirmations.map((c) => (
        <p key={c.seq} className="small">
          ✓ Confirmation by {c.operator} at {formatTime(c.at)}: {c.summary}
        </p>
      ))}
    </>
  );
}

export function StepCommand({ command }: { command: string | null | undefined }) {
  return command ? (
    <details>
      <summary>Command</summary>
      <pre className="command">
        <code>{command}</code>
      </pre>
    </details>
  ) : null;
}
