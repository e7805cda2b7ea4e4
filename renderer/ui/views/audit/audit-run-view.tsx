// One run as the lead reviews it: deviations first, then the timeline, every step with
// its output, snapshots and confirmations, the run's audit events, export and review.
import { useState } from 'react';
import type { RunDetail } from '../../../../src/contract/api.js';
import { useClient, useConsoleEvents } from '../../api/api-context.js';
import { ErrorAlert } from '../../components/error-alert.js';
import { OutputTerminal } from '../../components/output-terminal.js';
import { PageHeading } from '../../components/page-heading.js';
import { ProtectedBanner } from '../../components/protected-banner.js';
import { StatusBadge } from '../../components/status-badge.js';
import { SnapshotTable } from '../../components/snapshot-table.js';
import { TamperBanner } from '../../components/tamper-banner.js';
import { durationOf, formatBytes, formatDuration, formatTime } from '../../lib/format.js';
import { href } from '../../lib/routes.js';
import { STEP_STATUS, verdictLook } from '../../lib/status.js';
import { useLoad } from '../../lib/use-load.js';
import { useThrottled } from '../../lib/use-throttled.js';
import { deviationsOf } from './deviations.js';
import { ExportControl } from './export-control.js';
import { ReviewNotes } from './review-notes.js';
import { TimelineChart } from './timeline-chart.js';

export function AuditRunView({ runId }: { runId: string }) {
  const client = useClient();
  const run = useLoad(() => client.getRun({ runId }), [runId], { primary: true });
  const reloadSoon = useThrottled(run.reload, 250);
  useConsoleEvents((event) => {
    if (event.type === 'run-changed' && event.runId === runId) reloadSoon();
  });
  const detail = run.data;

  return (
    <section className="view">
      {detail?.environmentProtected ? <ProtectedBanner environment={detail.run.environment} /> : null}
      <p className="breadcrumb">
        <a href={href.audit()}>← All runs</a>
      </p>
      {detail ? (
        <div className="run-header">
          <PageHeading>{detail.runbookTitle}</PageHeading>
          <StatusBadge look={verdictLook(detail.verdict, detail.deviationCount)} className="status-large" />
        </div>
      ) : (
        <PageHeading>Run {runId}</PageHeading>
      )}
      <ErrorAlert error={run.error} title="This run could not be opened." />
      {detail ? <AuditRunBody detail={detail} reload={run.reload} /> : null}
    </section>
  );
}

function AuditRunBody({ detail, reload }: { detail: RunDetail; reload: () => void }) {
  const { run } = detail;
  const took = durationOf(run.startedAt, run.finishedAt);
  const deviations = deviationsOf(detail);
  return (
    <>
      <TamperBanner tampering={detail.tampering} />
      <dl className="facts">
        <dt>Run</dt>
        <dd>
          <code>{run.id}</code> · <a href={href.run(run.id)}>open in the Run view</a>
        </dd>
        <dt>Runbook</dt>
        <dd>
          {run.runbookId} {run.runbookVersion} · SHA-256 <code className="checksum">{run.runbookSha256}</code>
        </dd>
        <dt>Environment</dt>
        <dd>
          {run.environment}
          {detail.environmentProtected ? <strong className="bad"> (protected)</strong> : null}
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
      </dl>

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
                <strong>{d.idx !== null ? `Step ${d.idx + 1} (${detail.steps[d.idx]?.title ?? ''})` : 'Run'}</strong> — <span className="tag tag-warn">{d.kind}</span> {d.text}
                {d.at ? <span className="small muted"> · {formatTime(d.at)}</span> : null}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section className="panel" aria-label="Timeline">
        <h2>Timeline</h2>
        <TimelineChart detail={detail} />
      </section>

      <section className="panel" aria-label="Steps of this run">
        <h2>Steps</h2>
        <ol className="audit-steps">
          {detail.steps.map((step) => (
            <AuditStep key={step.idx} detail={detail} idx={step.idx} />
          ))}
        </ol>
      </section>

      <section className="panel" aria-label="Snapshots of this run">
        <h2>Snapshots</h2>
        {detail.snapshots.length === 0 ? <p className="muted">No snapshot was taken in this run.</p> : <SnapshotTable snapshots={detail.snapshots} />}
      </section>

      <section className="panel" aria-label="Export this run">
        <h2>Export</h2>
        <ExportControl runId={run.id} />
      </section>

      <ReviewNotes detail={detail} onAdded={reload} />

      <section className="panel" aria-label="Audit events of this run">
        <h2>Audit events ({detail.events.length})</h2>
        <ol className="events">
          {detail.events.map((e) => (
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
    </>
  );
}

function AuditStep({ detail, idx }: { detail: RunDetail; idx: number }) {
  const step = detail.steps[idx];
  const view = detail.stepViews[idx];
  const [showOutput, setShowOutput] = useState(false);
  if (!step) return null;
  const took = durationOf(step.startedAt, step.finishedAt);
  const confirmations = detail.events.filter((e) => e.idx === idx && /confirm/i.test(e.kind));
  const snapshots = detail.snapshots.filter((s) => s.step === idx && s.runId === detail.run.id);
  return (
    <li className={`audit-step step-${step.status}`}>
      <div className="audit-step-head">
        <strong>
          {idx + 1}. {step.title}
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
        </span>
      </div>
      {step.reason ? <p className="step-reason warn">Reason: {step.reason}</p> : null}
      {step.note ? <p className="step-note">Note: {step.note}</p> : null}
      {confirmations.map((c) => (
        <p key={c.seq} className="small">
          ✓ Confirmation by {c.operator} at {formatTime(c.at)}: {c.summary}
        </p>
      ))}
      {snapshots.map((s) => (
        <p key={s.id} className="small">
          {s.verified ? '✓' : '⚠'} Snapshot of {s.target}: {formatBytes(s.bytes)}, SHA-256 <code className="checksum">{s.sha256}</code>
        </p>
      ))}
      {view?.command ? (
        <details>
          <summary>Command</summary>
          <pre className="command">
            <code>{view.command}</code>
          </pre>
        </details>
      ) : null}
      {step.attempt > 0 && step.kind !== 'manual' ? (
        <>
          <button type="button" className="link-button" aria-expanded={showOutput} onClick={() => setShowOutput((v) => !v)}>
            {showOutput ? 'Hide' : 'Show'} output of step {idx + 1}
          </button>
          {showOutput ? (
            <OutputTerminal source={{ runId: detail.run.id, idx, attempt: step.attempt, live: detail.live }} label={`Output of step ${idx + 1}`} rows={12} />
          ) : null}
        </>
      ) : null}
    </li>
  );
}
