// One run as the lead reviews it: deviations first, then the timeline, every step with
// its output, snapshots and confirmations, the run's audit events, export and review.
import { useState } from 'react';
import type { RunDetail } from '../../../../src/contract/api.js';
import { useClient, useConsoleEvents } from '../../api/api-context.js';
import { ErrorAlert } from '../../components/error-alert.js';
import { OutputTerminal } from '../../components/output-terminal.js';
import { ProtectedBanner } from '../../components/protected-banner.js';
import { SnapshotTable } from '../../components/snapshot-table.js';
import { TamperBanner } from '../../components/tamper-banner.js';
import { formatBytes } from '../../lib/format.js';
import { href } from '../../lib/routes.js';
import { useLoad } from '../../lib/use-load.js';
import { useThrottled } from '../../lib/use-throttled.js';
import { deviationsOf } from './deviations.js';
import { ExportControl } from './export-control.js';
import { ReviewNotes } from './review-notes.js';
import { DeviationsPanel, EventsPanel, RunbookFacts, RunHeading, SnapshotsPanel, StepCommand, StepHead, StepRecord, StepsPanel, TimelinePanel } from './run-detail-parts.js';

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
      <RunHeading detail={detail} pending={<>Run {runId}</>} />
      <ErrorAlert error={run.error} title="This run could not be opened." />
      {detail ? <AuditRunBody detail={detail} reload={run.reload} /> : null}
    </section>
  );
}

function AuditRunBody({ detail, reload }: { detail: RunDetail; reload: () => void }) {
  const { run } = detail;
  return (
    <>
      <TamperBanner tampering={detail.tampering} />
      <dl className="facts">
        <dt>Run</dt>
        <dd>
          <code>{run.id}</code> · <a href={href.run(run.id)}>open in the Run view</a>
        </dd>
        <RunbookFacts run={run} environmentProtected={detail.environmentProtected} />
      </dl>

      <DeviationsPanel deviations={deviationsOf(detail)} titleOf={(idx) => detail.steps[idx]?.title ?? ''} />

      <TimelinePanel detail={detail} />

      <StepsPanel>
        {detail.steps.map((step) => (
          <AuditStep key={step.idx} detail={detail} idx={step.idx} />
        ))}
      </StepsPanel>

      <SnapshotsPanel count={detail.snapshots.length}>
        <SnapshotTable snapshots={detail.snapshots} />
      </SnapshotsPanel>

      <section className="panel" aria-label="Export this run">
        <h2>Export</h2>
        <ExportControl runId={run.id} />
      </section>

      <ReviewNotes detail={detail} onAdded={reload} />

      <EventsPanel events={detail.events} />
    </>
  );
}

function AuditStep({ detail, idx }: { detail: RunDetail; idx: number }) {
  const step = detail.steps[idx];
  const view = detail.stepViews[idx];
  const [showOutput, setShowOutput] = useState(false);
  if (!step) return null;
  const snapshots = detail.snapshots.filter((s) => s.step === idx && s.runId === detail.run.id);
  return (
    <li className={`audit-step step-${step.status}`}>
      <StepHead idx={idx} step={step} title={step.title} />
      <StepRecord idx={idx} step={step} events={detail.events} />
      {snapshots.map((s) => (
        <p key={s.id} className="small">
          {s.verified ? '✓' : '⚠'} Snapshot of {s.target}: {formatBytes(s.bytes)}, SHA-256 <code className="checksum">{s.sha256}</code>
        </p>
      ))}
      <StepCommand command={view?.command} />
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
