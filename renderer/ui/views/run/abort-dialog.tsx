// Aborting a run asks first, and asks why: the reason goes into the run.aborted event, so
// a reviewer reads why the run was stopped, not only that it was. Esc or Cancel keeps it going.
import { useState } from 'react';
import { useClient } from '../../api/api-context.js';
import { ErrorAlert } from '../../components/error-alert.js';
import { ModalDialog } from '../../components/modal-dialog.js';
import { useAction } from '../../lib/use-action.js';

export function AbortDialog({ runId, running, onClose }: { runId: string; running: boolean; onClose: (aborted: boolean) => void }) {
  const client = useClient();
  const [reason, setReason] = useState('');
  const said = reason.trim();
  const { run: abort, busy, error } = useAction(
    async () => {
      await client.abortRun({ runId, reason: said });
      onClose(true);
    },
    { busyAfterSuccess: true },
  );

  return (
    <ModalDialog title="Abort this run?" onClose={() => onClose(false)} closable={!busy}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (said && !busy) void abort();
        }}
      >
        <p>
          {running ? "The running step's processes are stopped, and " : ''}the run ends as aborted. Steps not yet run are not run. This cannot be
          resumed.
        </p>
        <label className="field">
          <span className="field-label">Reason (required, kept in the audit trail)</span>
          <input type="text" value={reason} onChange={(e) => setReason(e.target.value)} maxLength={2000} required autoFocus autoComplete="off" />
        </label>
        <ErrorAlert error={error} title="The run was not aborted." />
        <div className="actions">
          <button type="submit" className="button danger" disabled={busy || !said}>
            Abort run
          </button>
          <button type="button" className="button" disabled={busy} onClick={() => onClose(false)}>
            Keep running
          </button>
          {!said ? <span className="hint">Say why before aborting.</span> : null}
        </div>
      </form>
    </ModalDialog>
  );
}
