// One run, live: the steps on the left, the current step on the right with what it will
// do and what the engine waits for. Reloads on every `run-changed` event for this run.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { RunDetail } from '../../../../src/contract/api.js';
import { useClient, useConnection, useConsoleEvents } from '../../api/api-context.js';
import { ErrorAlert } from '../../components/error-alert.js';
import { PageHeading } from '../../components/page-heading.js';
import { ProtectedBanner } from '../../components/protected-banner.js';
import { StatusBadge } from '../../components/status-badge.js';
import { TamperBanner } from '../../components/tamper-banner.js';
import { KeptLocksAlert } from './kept-locks-alert.js';
import { formatTime } from '../../lib/format.js';
import { href } from '../../lib/routes.js';
import { mergeProgress, type ProgressByKey } from '../../lib/snapshot-progress.js';
import { verdictLook } from '../../lib/status.js';
import { useLoad } from '../../lib/use-load.js';
import { useThrottled } from '../../lib/use-throttled.js';
import { AbortDialog } from './abort-dialog.js';
import { DecisionPanel } from './decision-panel.js';
import { useEnterRunsPrimary, useFocusNextThing } from './run-keyboard.js';
import { ResumePanel } from './resume-panel.js';
import { StepList } from './step-list.js';
import { StepPanel } from './step-panel.js';

/** The step the run is at: the one the engine waits on, else the one under way, else the first not done. */
export function currentStep(detail: RunDetail): number {
  if (detail.prompt) return detail.prompt.idx;
  const active = detail.steps.find((s) => ['running', 'snapshotting', 'snapshot-verified', 'in-doubt', 'failed'].includes(s.status));
  if (active) return active.idx;
  const next = detail.steps.find((s) => s.status === 'pending');
  return next?.idx ?? Math.max(0, detail.steps.length - 1);
}

export function RunView({ runId }: { runId: string }) {
  const client = useClient();
  const { reconnects } = useConnection();
  const run = useLoad(() => client.getRun({ runId }), [runId, reconnects], { primary: true });
  const environments = useLoad(() => client.listEnvironments({}), []);
  const [pinned, setPinned] = useState<number | null>(null);
  const [progress, setProgress] = useState<ProgressByKey>({});
  const [aborting, setAborting] = useState(false);
  const view = useRef<HTMLElement>(null);

  const detail = run.data;
  useEffect(() => {
    if (detail) setProgress((previous) => mergeProgress(previous, detail.snapshotProgress));
  }, [detail]);

  // A new question from the engine takes the screen, even if another step was pinned.
  const promptKey = detail?.prompt ? `${detail.prompt.kind}:${detail.prompt.idx}` : null;
  useEffect(() => setPinned(null), [promptKey]);

  const reloadSoon = useThrottled(run.reload, 100);
  useConsoleEvents((event) => {
    if (event.type === 'run-changed' && event.runId === runId) {
      reloadSoon();
    } else if (event.type === 'snapshot' && event.runId === runId) {
      setProgress((previous) => mergeProgress(previous, [event.progress]));
    }
  });

  const progressList = useMemo(() => Object.values(progress), [progress]);
  useEnterRunsPrimary(view);
  useFocusNextThing(view, detail ? focusTarget(detail) : null);
  const environment = environments.data?.environments.find((e) => e.name === detail?.run.environment);

  if (!detail) {
    return (
      <section className="view">
        <PageHeading>Run {runId}</PageHeading>
        <ErrorAlert error={run.error} title="This run could not be opened." />
        {run.loading ? <p className="muted">Loading the run…</p> : null}
      </section>
    );
  }

  const selected = pinned ?? currentStep(detail);
  const status = detail.run.status;
  const finished = status === 'succeeded' || status === 'failed' || status === 'aborted';
  const canResume = !detail.live && (status === 'interrupted' || status === 'failed');
  const elsewhere = !detail.live && status === 'running';

  return (
    <section className="view run-view" ref={view}>
      {detail.environmentProtected ? <ProtectedBanner environment={detail.run.environment} /> : null}
      <TamperBanner tampering={detail.tampering} />
      <div className="run-header">
        <PageHeading>{detail.runbookTitle}</PageHeading>
        <StatusBadge look={verdictLook(detail.verdict, detail.deviationCount)} className="status-large" />
      </div>
      <p className="meta">
        Run <code>{detail.run.id}</code> · environment <strong>{detail.run.environment}</strong>
        {detail.run.incident ? (
          <>
            {' '}
            · incident <strong>{detail.run.incident}</strong>
          </>
        ) : null}{' '}
        · by {detail.run.operator} · started{' '}
        {formatTime(detail.run.startedAt)} · runbook {detail.run.runbookId} {detail.run.runbookVersion}
        {Object.keys(detail.run.inputs).length > 0 ? (
          <>
            {' '}
            · inputs{' '}
            {Object.entries(detail.run.inputs).map(([k, v]) => (
              <code key={k} className="input-value">
                {k}={String(v)}
              </code>
            ))}
          </>
        ) : null}
      </p>
      <ErrorAlert error={run.error} title="The run could not be reloaded; what is shown may be out of date." />
      {detail.notices.length > 0 ? (
        <div className="alert alert-info run-notices" role="status" aria-label="Before the run went on">
          {detail.notices.map((text, i) => (
            <p key={i}>{text}</p>
          ))}
        </div>
      ) : null}
      {finished ? (
        <div className={`run-outcome run-outcome-${detail.verdict}`} role="status" tabIndex={-1} data-focus="outcome">
          <StatusBadge look={verdictLook(detail.verdict, detail.deviationCount)} /> This run {outcomeWords(detail)} at {formatTime(detail.run.finishedAt)}.{' '}
          <a href={href.auditRun(detail.run.id)}>{detail.deviationCount > 0 ? 'Review its deviations in the audit' : 'Open it in the audit'}</a>
        </div>
      ) : null}
      <KeptLocksAlert kept={detail.teamLocksKept ?? []} inherited={detail.teamLocksInherited ?? []} />
      {elsewhere ? (
        <p className="alert alert-info">
          Another Handrail process is driving this run{detail.run.host ? ` on ${detail.run.host}` : ''}
          {detail.run.pid ? ` (pid ${detail.run.pid})` : ''}. This view follows it but cannot answer its prompts.
        </p>
      ) : null}
      {canResume ? <ResumePanel detail={detail} onResumed={run.reload} /> : null}
      <div className="run-layout">
        <StepList detail={detail} selected={selected} onSelect={setPinned} />
        <div className="run-main">
          {pinned !== null && detail.prompt && pinned !== detail.prompt.idx ? (
            <p className="alert alert-info">
              Step {detail.prompt.idx + 1} is waiting for you.{' '}
              <button type="button" className="link-button" onClick={() => setPinned(null)}>
                Go to step {detail.prompt.idx + 1}
              </button>
            </p>
          ) : null}
          <StepPanel detail={detail} idx={selected} progress={progressList} environment={environment}>
            {detail.live && detail.prompt && detail.prompt.idx === selected ? (
              <DecisionPanel runId={detail.run.id} prompt={detail.prompt} step={detail.stepViews[selected]} onDecided={run.reload} onAbort={() => setAborting(true)} />
            ) : null}
          </StepPanel>
          {detail.live && status === 'running' && !detail.prompt ? (
            <div className="actions">
              <button type="button" className="button danger-outline" onClick={() => setAborting(true)} aria-haspopup="dialog">
                Abort run…
              </button>
              <span className="hint">Stops the running step's processes and ends the run as aborted.</span>
            </div>
          ) : null}
        </div>
      </div>
      {aborting ? (
        <AbortDialog
          runId={detail.run.id}
          running={!detail.prompt}
          onClose={(aborted) => {
            setAborting(false);
            if (aborted) run.reload();
          }}
        />
      ) : null}
    </section>
  );
}

/** What focus should be on: the question's primary action, the step under way, or the outcome. */
function focusTarget(detail: RunDetail): string | null {
  const status = detail.run.status;
  if (status === 'succeeded' || status === 'failed' || status === 'aborted') return `outcome:${status}`;
  if (!detail.live) return null;
  if (detail.prompt) return `prompt:${detail.prompt.kind}:${detail.prompt.idx}`;
  return status === 'running' ? `running:${currentStep(detail)}` : null;
}

function outcomeWords(detail: RunDetail): string {
  switch (detail.verdict) {
    case 'succeeded':
      return 'finished';
    case 'succeeded-with-deviations':
      return `finished with ${detail.deviationCount} deviation${detail.deviationCount === 1 ? '' : 's'} (skips, retries or failures on the way)`;
    case 'failed':
      return 'stopped at a failed step';
    default:
      return 'was aborted';
  }
}
