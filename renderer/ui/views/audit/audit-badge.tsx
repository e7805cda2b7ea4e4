// The chain's verification result, always in view on the Audit screen. Re-checking
// recomputes every hash and checkpoint on the server.
import { useState } from 'react';
import type { AuditStatus } from '../../../../src/contract/api.js';
import { useClient } from '../../api/api-context.js';
import { formatTime } from '../../lib/format.js';
import { useAction } from '../../lib/use-action.js';

export function AuditBadge({ initial }: { initial: AuditStatus | undefined }) {
  const client = useClient();
  const [status, setStatus] = useState<AuditStatus | undefined>(undefined);
  const [problems, setProblems] = useState<{ seq: number; kind: string; message: string }[]>([]);
  const shown = status ?? initial;

  const { run: verify, busy, error } = useAction(async () => {
    const result = await client.verifyAudit({});
    setStatus(result);
    setProblems(result.problems);
  });

  return (
    <div className={`audit-badge ${shown ? (shown.ok ? 'audit-ok' : 'audit-broken') : ''}`} role="status">
      {shown ? (
        shown.ok ? (
          <span>
            <span aria-hidden="true">✓ </span>
            <strong>Audit chain intact</strong> · {shown.events.toLocaleString('en-US')} events · {shown.checkpoints.toLocaleString('en-US')} signed checkpoints ·
            checked {formatTime(shown.checkedAt)}
          </span>
        ) : (
          <span>
            <span aria-hidden="true">✗ </span>
            <strong>Audit chain broken</strong>: {shown.firstProblem ?? 'a problem was found'} (checked {formatTime(shown.checkedAt)})
          </span>
        )
      ) : (
        <span>Audit chain: not checked yet</span>
      )}{' '}
      <button type="button" className="button small" disabled={busy} onClick={() => void verify()}>
        {busy ? 'Verifying…' : 'Verify now'}
      </button>
      {error ? <span className="bad"> Verification could not run: {error}</span> : null}
      {problems.length > 0 ? (
        <ul className="problems">
          {problems.slice(0, 20).map((p) => (
            <li key={p.seq}>
              event {p.seq} ({p.kind}): {p.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
