// What the engine is waiting for, and the operator's answer: run, mark done, confirm,
// retry, skip (always with a reason) or abort. One decision at a time; buttons lock while
// it is on its way so a double click cannot answer twice.
import { useState, type ReactNode } from 'react';
import type { Prompt, StepDecision, StepView } from '../../../../src/contract/api.js';
import { useClient } from '../../api/api-context.js';
import { ErrorAlert } from '../../components/error-alert.js';
import { useAction } from '../../lib/use-action.js';

export function DecisionPanel({
  runId,
  prompt,
  step,
  onDecided,
  onAbort,
}: {
  runId: string;
  prompt: Prompt;
  step: StepView | undefined;
  onDecided: () => void;
  /** Opens the abort confirmation (which asks for a reason). */
  onAbort: () => void;
}) {
  const client = useClient();
  const [skipping, setSkipping] = useState(false);

  const { run: decide, busy, error } = useAction(async (decision: StepDecision) => {
    await client.decide({ runId, idx: prompt.idx, decision });
    setSkipping(false);
    onDecided();
  });

  const abort = (
    <button type="button" className="button danger-outline" disabled={busy} onClick={onAbort} aria-haspopup="dialog">
      Abort run…
    </button>
  );
  const skip = (
    <button type="button" className="button" disabled={busy || skipping} onClick={() => setSkipping(true)} aria-expanded={skipping}>
      Skip step
    </button>
  );
  const title = step ? `Step ${prompt.idx + 1}: ${step.title}` : `Step ${prompt.idx + 1}`;

  let body: ReactNode;
  switch (prompt.kind) {
    case 'before-step':
      body = (
        <>
          <p className="decision-text">Ready to run on {step?.target ? <code>{step.target}</code> : 'this machine'}. Read the command below first.</p>
          <div className="actions">
            <button type="button" className="button primary" data-primary="" aria-keyshortcuts="Enter" disabled={busy} onClick={() => void decide({ action: 'run' })}>
              Run step
            </button>
            {skip}
            {abort}
          </div>
        </>
      );
      break;
    case 'manual':
      body = <ManualDecision busy={busy} skip={skip} abort={abort} onDone={(note) => void decide(note ? { action: 'done', note } : { action: 'done' })} />;
      break;
    case 'confirm':
      body = prompt.environment ? (
        <TypedConfirmation environment={prompt.environment} busy={busy} abort={abort} onConfirm={(typed) => void decide({ action: 'confirm', typed })} />
      ) : (
        <>
          <p className="decision-text">This step asks for a yes before it runs.</p>
          <div className="actions">
            <button type="button" className="button primary" data-primary="" aria-keyshortcuts="Enter" disabled={busy} onClick={() => void decide({ action: 'confirm' })}>
              Yes, run it
            </button>
            {abort}
          </div>
        </>
      );
      break;
    case 'failed':
      body = (
        <>
          <p className="decision-text decision-failed">
            <strong>✗ This step failed:</strong> {prompt.reason}
          </p>
          <div className="actions">
            <button type="button" className="button primary" data-primary="" aria-keyshortcuts="Enter" disabled={busy} onClick={() => void decide({ action: 'retry' })}>
              Retry step
            </button>
            {skip}
            <button type="button" className="button" disabled={busy} onClick={() => void decide({ action: 'stop' })} title="Leave the run failed; it can be resumed later">
              Stop here
            </button>
            {abort}
          </div>
        </>
      );
      break;
    case 'in-doubt':
      body = (
        <InDoubtDecision
          reason={prompt.reason}
          busy={busy}
          skip={skip}
          abort={abort}
          onRetry={() => void decide({ action: 'retry' })}
          onDone={(note) => void decide({ action: 'done', note })}
        />
      );
      break;
  }

  return (
    <section className={`decision decision-${prompt.kind}`} aria-label="Decision needed">
      <h3 className="decision-title">
        <span aria-hidden="true">➜ </span>
        {prompt.kind === 'in-doubt' ? 'In doubt: ' : 'Your turn: '}
        {title}
      </h3>
      {body}
      {skipping ? <SkipForm busy={busy} onCancel={() => setSkipping(false)} onSkip={(reason) => void decide({ action: 'skip', reason })} /> : null}
      <ErrorAlert error={error} title="That decision was not applied." />
    </section>
  );
}

function SkipForm({ busy, onSkip, onCancel }: { busy: boolean; onSkip: (reason: string) => void; onCancel: () => void }) {
  const [reason, setReason] = useState('');
  return (
    <form
      className="inline-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (reason.trim()) onSkip(reason.trim());
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') onCancel();
      }}
    >
      <label className="field">
        <span className="field-label">Reason</span>
        <input type="text" value={reason} onChange={(e) => setReason(e.target.value)} autoFocus placeholder="Why this step is skipped (kept in the audit trail)" />
      </label>
      <div className="actions">
        <button type="submit" className="button warn" disabled={busy || !reason.trim()}>
          Skip this step
        </button>
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function ManualDecision({ busy, skip, abort, onDone }: { busy: boolean; skip: ReactNode; abort: ReactNode; onDone: (note: string) => void }) {
  const [note, setNote] = useState('');
  return (
    <>
      <p className="decision-text">A manual step: do what it says, then mark it done.</p>
      <label className="field">
        <span className="field-label">Note (optional)</span>
        <input type="text" value={note} onChange={(e) => setNote(e.target.value)} />
      </label>
      <div className="actions">
        <button type="button" className="button primary" data-primary="" aria-keyshortcuts="Enter" disabled={busy} onClick={() => onDone(note.trim())}>
          Mark done
        </button>
        {skip}
        {abort}
      </div>
    </>
  );
}

function InDoubtDecision({
  reason,
  busy,
  skip,
  abort,
  onRetry,
  onDone,
}: {
  /** Why its outcome is unknown, when that happened in this run (a lost connection, a timeout). */
  reason: string | undefined;
  busy: boolean;
  skip: ReactNode;
  abort: ReactNode;
  onRetry: () => void;
  onDone: (note: string) => void;
}) {
  const [note, setNote] = useState('');
  return (
    <>
      <p className="decision-text">
        {reason === undefined ? (
          'This step was running when Handrail stopped. Nobody knows whether it finished.'
        ) : (
          <>
            <strong>Nobody knows whether this step took effect:</strong> {reason}
          </>
        )}{' '}
        Check its target, then retry it, mark it done (say what you checked), skip it with a reason, or abort the run.
      </p>
      <label className="field">
        <span className="field-label">Note</span>
        <input type="text" value={note} onChange={(e) => setNote(e.target.value)} placeholder="What you checked (needed to mark it done)" />
      </label>
      <div className="actions">
        <button type="button" className="button" disabled={busy} onClick={onRetry}>
          Retry step
        </button>
        <button type="button" className="button primary" data-primary="" disabled={busy || !note.trim()} onClick={() => onDone(note.trim())}>
          Mark done
        </button>
        {skip}
        {abort}
      </div>
    </>
  );
}

function TypedConfirmation({ environment, busy, abort, onConfirm }: { environment: string; busy: boolean; abort: ReactNode; onConfirm: (typed: string) => void }) {
  const [typed, setTyped] = useState('');
  const matches = typed === environment;
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        if (matches) onConfirm(typed);
      }}
    >
      <p className="decision-text decision-protected">
        This step changes <strong>{environment}</strong>, a protected environment. Type its name to confirm.
      </p>
      <label className="field">
        <span className="field-label">Type the environment name to confirm</span>
        <input type="text" value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" spellCheck={false} autoFocus />
      </label>
      <div className="actions">
        <button type="submit" className="button danger" disabled={busy || !matches}>
          Confirm
        </button>
        {abort}
        {typed && !matches ? <span className="hint">Not the name yet: type {environment} exactly.</span> : null}
      </div>
    </form>
  );
}
