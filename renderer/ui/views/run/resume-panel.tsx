// An interrupted or failed run can go on where it stopped. Secret inputs were never stored
// in clear, so they are asked for again; everything else the run already has.
import { useState } from 'react';
import type { RunDetail } from '../../../../src/contract/api.js';
import type { RunningLeftover } from '../../../../src/contract/leftover.js';
import type { InputDeclaration } from '../../../../src/contract/runbook.js';
import { useClient } from '../../api/api-context.js';
import { ConsoleCallError } from '../../api/console-transport.js';
import { ErrorAlert } from '../../components/error-alert.js';
import { useAction } from '../../lib/use-action.js';
import { InputsForm } from '../runbooks/inputs-form.js';
import { LeftoverList } from './leftover-list.js';
import { ResumeOutlookNote } from './resume-outlook-note.js';

export function ResumePanel({ detail, onResumed }: { detail: RunDetail; onResumed: () => void }) {
  const client = useClient();
  const [asking, setAsking] = useState<Record<string, InputDeclaration> | null>(null);
  const [values, setValues] = useState<Record<string, string>>({});
  /** Finding out which inputs are secret, before anything is sent. */
  const [checking, setChecking] = useState(false);

  async function secretsOf(): Promise<Record<string, InputDeclaration>> {
    // The runbook as it is now may differ from the bytes the run is bound to; it is only
    // used to know which inputs are secret, and the server validates what is sent.
    try {
      const runbook = await client.getRunbook({ id: detail.run.runbookId });
      return Object.fromEntries(Object.entries(runbook.inputs).filter(([name, d]) => d.secret && name in detail.run.inputs));
    } catch {
      return {};
    }
  }

  /** A step's command from the run that died still runs: what the refusal said runs, and the inputs to resume with once it is stopped. */
  const [leftovers, setLeftovers] = useState<{ running: RunningLeftover[]; inputs: Record<string, string> } | null>(null);

  const resuming = useAction(async (inputs: Record<string, string>, stopLeftovers = false) => {
    try {
      await client.resumeRun({ runId: detail.run.id, inputs, ...(stopLeftovers ? { stopLeftovers: true } : {}) });
    } catch (error) {
      const running = error instanceof ConsoleCallError ? error.leftovers : undefined;
      setLeftovers(running && running.length > 0 ? { running, inputs } : null);
      throw error;
    }
    setLeftovers(null);
    setAsking(null);
    onResumed();
  });
  const resume = resuming.run;
  const busy = resuming.busy || checking;

  async function begin() {
    setChecking(true);
    const secrets = await secretsOf();
    setChecking(false);
    if (Object.keys(secrets).length === 0) await resume({});
    else setAsking(secrets);
  }

  const inDoubt = detail.steps.filter((s) => s.status === 'in-doubt');
  return (
    <section className="panel resume" aria-label="Resume this run">
      <h2>{detail.run.status === 'interrupted' ? 'This run was interrupted' : 'This run stopped at a failed step'}</h2>
      <p>
        {detail.run.status === 'interrupted'
          ? 'The process driving it stopped (a crash, a closed window, a lost machine). Steps that finished stay finished.'
          : 'It can go on from the step that failed.'}
        {inDoubt.length > 0
          ? ` Step ${inDoubt.map((s) => s.idx + 1).join(', ')} was running when it stopped and is in doubt: after resuming, you decide what to do with it.`
          : ''}
      </p>
      <ResumeOutlookNote runId={detail.run.id} />
      {asking ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void resume(values);
          }}
        >
          <p>Secret inputs are never stored in clear. Enter them again:</p>
          <InputsForm inputs={asking} values={values} onChange={(name, value) => setValues((prev) => ({ ...prev, [name]: value }))} />
          <div className="actions">
            <button type="submit" className="button primary" disabled={busy}>
              Resume run
            </button>
            <button type="button" className="button" onClick={() => setAsking(null)}>
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <div className="actions">
          <button type="button" className="button primary" disabled={busy} onClick={() => void begin()}>
            Resume run
          </button>
        </div>
      )}
      <ErrorAlert error={resuming.error} title="The run was not resumed." />
      {leftovers ? (
        <div className="leftover-choice">
          <LeftoverList leftovers={leftovers.running} detail={detail} />
          <p>
            Stopping it sends SIGTERM to its whole process group{leftovers.running.some((l) => l.remote) ? ' (over SSH on its host)' : ''}, then SIGKILL after 5 s if
            it is still there; the run goes on only once it is gone. Or wait for it to end and resume then.
          </p>
          <div className="actions">
            <button type="button" className="button danger" disabled={busy} onClick={() => void resume(leftovers.inputs, true)}>
              Stop it and resume
            </button>
          </div>
        </div>
      ) : null}
      {detail.run.status === 'interrupted' ? <AbortInterrupted runId={detail.run.id} onAborted={onResumed} /> : null}
    </section>
  );
}

/**
 * An interrupted run keeps its databases locked until it is resumed or aborted. Aborting it
 * runs nothing more and needs a reason, which the audit trail keeps.
 */
function AbortInterrupted({ runId, onAborted }: { runId: string; onAborted: () => void }) {
  const client = useClient();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const { run: abort, busy, error } = useAction(async () => {
    await client.abortRun({ runId, reason: reason.trim() });
    onAborted();
  });

  if (!open) {
    return (
      <div className="actions">
        <button type="button" className="button danger" onClick={() => setOpen(true)}>
          Abort this run…
        </button>
      </div>
    );
  }
  return (
    <form
      className="abort-interrupted"
      onSubmit={(e) => {
        e.preventDefault();
        if (reason.trim() !== '') void abort();
      }}
    >
      <p>Nothing more of this run will run, and its databases are released. Steps that finished stay finished; snapshots are kept.</p>
      <label>
        Reason (kept in the audit trail)
        <input type="text" value={reason} required autoFocus onChange={(e) => setReason(e.target.value)} />
      </label>
      <div className="actions">
        <button type="submit" className="button danger" disabled={busy || reason.trim() === ''}>
          Abort run
        </button>
        <button type="button" className="button" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
      <ErrorAlert error={error} title="The run was not aborted." />
    </form>
  );
}
