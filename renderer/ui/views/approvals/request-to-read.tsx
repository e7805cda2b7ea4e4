// One approval request: its whole plan, then the approver's key. Approve is enabled only once
// the end of the plan has scrolled into view in its box (an IntersectionObserver on a mark
// after the text), so nobody signs a plan they were not shown. The passphrase lives in this
// form's state until the signing call, then is cleared; it is never stored.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { ApiResponse } from '../../../../src/contract/api.js';
import { useClient } from '../../api/api-context.js';
import { ErrorAlert } from '../../components/error-alert.js';
import { useAction } from '../../lib/use-action.js';
import { useLoad } from '../../lib/use-load.js';

export function RequestToRead({ requestId, onApproved }: { requestId: string; onApproved: () => void }) {
  const client = useClient();
  const request = useLoad(() => client.getApprovalRequest({ requestId }), [requestId]);
  const box = useRef<HTMLPreElement>(null);
  const end = useRef<HTMLSpanElement>(null);
  const [readToEnd, setReadToEnd] = useState(false);
  const [key, setKey] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [principal, setPrincipal] = useState('');
  const [done, setDone] = useState<ApiResponse<'approveRequest'> | null>(null);
  const plan = request.data;

  useEffect(() => {
    if (!plan || !box.current || !end.current) return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) setReadToEnd(true);
    }, { root: box.current });
    observer.observe(end.current);
    return () => observer.disconnect();
  }, [plan]);

  const approve = useAction(async () => {
    if (!plan) return;
    const typed = passphrase;
    setPassphrase('');
    const answer = await client.approveRequest({
      requestId: plan.requestId,
      planId: plan.planId,
      ...(key.trim() ? { key: key.trim() } : {}),
      ...(typed ? { passphrase: typed } : {}),
      ...(principal.trim() ? { principal: principal.trim() } : {}),
    });
    setDone(answer);
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (readToEnd && !approve.busy) void approve.run().then((ok) => ok && onApproved());
  };

  return (
    <section aria-label={`Approval request ${requestId}`}>
      <h2>Request {requestId}</h2>
      <ErrorAlert error={request.error} title="This request cannot be approved here:" />
      {request.loading && !plan ? <p className="hint">Fetching the plan from the team ledger…</p> : null}
      {plan ? (
        <>
          <p className="command-caption">
            {plan.runbook} in {plan.environment}, to be run by {plan.operator} from {plan.machine}
            {plan.note ? <> — “{plan.note}”</> : null}. Plan id <code>{plan.planId}</code> (computed here from the text below).
          </p>
          <pre ref={box} className="command plan-text approval-plan" role="region" tabIndex={0} aria-label="Plan to approve">
            <code>{plan.text}</code>
            <span ref={end} className="approval-plan-end" aria-hidden="true" />
          </pre>
          {done ? (
            <p role="status" className="field-ok">
              Approved as {done.principal} ({done.fingerprint}). {done.operator} can now run with <code>--approval-request {done.requestId}</code>
              {done.validFor ? ` within ${done.validFor}` : ''}.
            </p>
          ) : (
            <form className="approval-form" onSubmit={submit} aria-label="Sign the approval">
              <label className="field">
                <span className="field-label">SSH key file</span>
                <input value={key} onChange={(e) => setKey(e.target.value)} placeholder="~/.ssh/id_ed25519" autoComplete="off" spellCheck={false} />
                <span className="field-help">Its .pub when the key is in ssh-agent; empty: the agent&apos;s only key.</span>
              </label>
              <label className="field">
                <span className="field-label">Passphrase</span>
                <input type="password" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} autoComplete="off" />
                <span className="field-help">Only for an encrypted key file; used once to sign, never kept.</span>
              </label>
              <label className="field">
                <span className="field-label">Principal (optional)</span>
                <input value={principal} onChange={(e) => setPrincipal(e.target.value)} placeholder="the one allowed_signers lists for your key" autoComplete="off" />
              </label>
              <div className="field">
                <button type="submit" className="button primary" disabled={!readToEnd || approve.busy} aria-describedby="approve-hint">
                  Approve
                </button>
                <span id="approve-hint" className="field-help">
                  {readToEnd ? 'You have read the plan to its end.' : 'Read the plan to its end (scroll it) before you approve.'}
                </span>
              </div>
              <ErrorAlert error={approve.error} title="Not approved:" />
            </form>
          )}
        </>
      ) : null}
    </section>
  );
}
