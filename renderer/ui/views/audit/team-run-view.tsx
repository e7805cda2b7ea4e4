// One run of another machine as the team ledger holds it, for a lead reviewing an incident:
// whether its chain checked out against its machine's pinned key first (a run that does not
// verify says so above everything else), then the machine, the facts, deviations, timeline,
// every step with its command, confirmations, snapshots and output, and the run's events.
// Read-only: the ledger is the machines' record, not the lead's to add to.
import type { TeamRunView as TeamRun } from '../../../../src/contract/team-views.js';
import { ErrorAlert } from '../../components/error-alert.js';
import { formatBytes, formatTime } from '../../lib/format.js';
import { useClient } from '../../api/api-context.js';
import { href } from '../../lib/routes.js';
import { useLoad } from '../../lib/use-load.js';
import { deviationsOf } from './deviations.js';
import { DeviationsPanel, EventsPanel, RunbookFacts, RunHeading, SnapshotsPanel, StepCommand, StepHead, StepRecord, StepsPanel, TimelinePanel } from './run-detail-parts.js';

export function TeamRunView({ machineId, runId }: { machineId: string; runId: string }) {
  const client = useClient();
  const loaded = useLoad(() => client.getTeamRun({ machineId, runId }), [machineId, runId], { primary: true });
  const detail = loaded.data;
  return (
    <section className="view">
      <p className="breadcrumb">
        <a href={href.team()}>← Team runs</a>
      </p>
      <RunHeading detail={detail} pending={<>Team run {runId}</>} />
      <ErrorAlert error={loaded.error} title="This team run could not be opened." />
      {!detail && !loaded.error ? (
        <p className="muted" role="status">
          Reading the run from the team ledger and checking it against its machine&apos;s key…
        </p>
      ) : null}
      {detail ? <TeamRunBody detail={detail} /> : null}
    </section>
  );
}

function TeamRunBody({ detail }: { detail: TeamRun }) {
  const { run, machine } = detail;
  return (
    <>
      {detail.problems.length > 0 ? (
        <div className="tamper-banner" role="alert">
          <strong>This run does not verify against the key pinned for {machine.name}.</strong> Do not rely on what this page shows as it stands: keep the ledger as it is,
          and find out who changed it or which machine offered another key (<code>handrail audit verify --team</code>).
          <ul>
            {detail.problems.map((p, i) => (
              <li key={i}>{p}</li>
            ))}
          </ul>
        </div>
      ) : (
        <p className="audit-badge audit-ok" role="status">
          ✓ Its events verified against the key pinned for {machine.name}: {detail.checked.events.toLocaleString('en-US')} events of its chain and{' '}
          {detail.checked.checkpoints.toLocaleString('en-US')} signed checkpoints read, its output checked chunk by chunk.
        </p>
      )}
      <dl className="facts">
        <dt>Run</dt>
        <dd>
          <code>{run.id}</code>
        </dd>
        <dt>Machine</dt>
        <dd>
          {machine.name} <span className="muted">({machine.id})</span> · key {machine.keyFingerprint ? <code className="checksum">{machine.keyFingerprint}</code> : 'none pinned'}
        </dd>
        <dt>Ledger</dt>
        <dd>{detail.ledger}</dd>
        <RunbookFacts run={run} />
      </dl>

      <DeviationsPanel deviations={deviationsOf(detail)} titleOf={(idx) => detail.stepTexts[idx]?.title ?? ''} />

      <TimelinePanel detail={detail} />

      <StepsPanel>
        {detail.steps.map((step) => (
          <TeamStep key={step.idx} detail={detail} idx={step.idx} />
        ))}
      </StepsPanel>

      <SnapshotsPanel count={detail.snapshots.length} after={<p className="small muted">The snapshot files stay on {machine.name}; restore them there.</p>}>
        <table className="table compact">
          <thead>
            <tr>
              <th scope="col">Taken</th>
              <th scope="col">Step</th>
              <th scope="col">Target</th>
              <th scope="col">Size</th>
              <th scope="col">SHA-256</th>
            </tr>
          </thead>
          <tbody>
            {detail.snapshots.map((s) => (
              <tr key={s.id}>
                <td>{formatTime(s.createdAt)}</td>
                <td>{s.step !== null ? s.step + 1 : '—'}</td>
                <td>
                  {s.target} <span className="muted">{s.kind}</span>
                </td>
                <td>{formatBytes(s.bytes)}</td>
                <td>
                  <code className="checksum">{s.sha256}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </SnapshotsPanel>

      {detail.reviews.length > 0 ? (
        <section className="panel" aria-label="Reviews of this run">
          <h2>Reviews</h2>
          <ul>
            {detail.reviews.map((r) => (
              <li key={r.seq}>
                {r.reviewer} at {formatTime(r.at)}: {r.note}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <EventsPanel events={detail.events} />
    </>
  );
}

/** Colour and cursor codes a terminal would act on; a page shows the text only. */
// eslint-disable-next-line no-control-regex -- the escape character is what this matches
const TERMINAL_CODES = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;

function TeamStep({ detail, idx }: { detail: TeamRun; idx: number }) {
  const step = detail.steps[idx];
  if (!step) return null;
  const text = detail.stepTexts[idx];
  const output = detail.outputs.find((o) => o.idx === idx);
  const snapshots = detail.snapshots.filter((s) => s.step === idx);
  return (
    <li className={`audit-step step-${step.status}`}>
      <StepHead idx={idx} step={step} title={text?.title ?? step.title} showSignal />
      <StepRecord idx={idx} step={step} events={detail.events} />
      {snapshots.map((s) => (
        <p key={s.id} className="small">
          Snapshot of {s.target}: {formatBytes(s.bytes)}, SHA-256 <code className="checksum">{s.sha256}</code>
        </p>
      ))}
      <StepCommand command={text?.command} />
      {output ? (
        <div className="output" role="region" aria-label={`Output of step ${idx + 1}`}>
          {output.omitted > 0 ? (
            <p className="output-info">
              The first {formatBytes(output.omitted)} are left out here; <code>handrail show {detail.run.id} --team</code> prints all of it.
            </p>
          ) : null}
          {output.text ? <pre className="command">{output.text.replace(TERMINAL_CODES, '')}</pre> : <p className="output-info">No output.</p>}
        </div>
      ) : null}
    </li>
  );
}
