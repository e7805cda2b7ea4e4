// Restore is one action with its own confirmation: what will be replaced, by what, and
// the note that the current state is snapshotted first. A protected environment needs its
// name typed. Progress comes from `restore` events; the dialog cannot be closed meanwhile.
import { useState } from 'react';
import type { ApiResponse } from '../../../../src/contract/api.js';
import type { Snapshot } from '../../../../src/contract/snapshot.js';
import { useClient, useConsoleEvents } from '../../api/api-context.js';
import { errorText } from '../../api/console-transport.js';
import { ErrorAlert } from '../../components/error-alert.js';
import { ModalDialog } from '../../components/modal-dialog.js';
import { ProgressBar } from '../../components/progress-bar.js';
import { ProtectedBanner } from '../../components/protected-banner.js';
import { exactBytes, formatBytes, formatTime } from '../../lib/format.js';

type Restored = ApiResponse<'restoreSnapshot'>;

export function RestoreDialog({ snapshot, isProtected, onClose }: { snapshot: Snapshot; isProtected: boolean; onClose: (restored: boolean) => void }) {
  const client = useClient();
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [phase, setPhase] = useState<{ phase: string; done: number; total: number } | null>(null);
  const [result, setResult] = useState<Restored | null>(null);
  const [error, setError] = useState<string | null>(null);
  const ready = !isProtected || typed === snapshot.environment;

  useConsoleEvents((event) => {
    if (event.type === 'restore' && event.snapshotId === snapshot.id) setPhase({ phase: event.phase, done: event.done, total: event.total });
  });

  async function restore() {
    setBusy(true);
    setError(null);
    try {
      setResult(await client.restoreSnapshot(isProtected ? { snapshotId: snapshot.id, typed } : { snapshotId: snapshot.id }));
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  }

  const title = `Restore ${snapshot.target} in ${snapshot.environment}`;
  return (
    <ModalDialog title={title} onClose={() => onClose(result !== null)} closable={!busy}>
      {isProtected ? <ProtectedBanner environment={snapshot.environment} /> : null}
      {result ? (
        <div role="status" className="restore-result">
          <p>
            <strong>✓ Restored.</strong> {snapshot.target} in {snapshot.environment} now holds the snapshot taken {formatTime(result.restored.createdAt)} (
            {formatBytes(result.restored.bytes)}, SHA-256 <code className="checksum">{result.restored.sha256}</code>).
          </p>
          <p>
            The state just before the restore was saved as snapshot <code>{result.before.id}</code> ({formatBytes(result.before.bytes)}, SHA-256{' '}
            <code className="checksum">{result.before.sha256}</code>), so this restore can itself be undone.
          </p>
          <div className="actions">
            <button type="button" className="button primary" onClick={() => onClose(true)} autoFocus>
              Close
            </button>
          </div>
        </div>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (ready && !busy) void restore();
          }}
        >
          <p>
            The database <code>{snapshot.location}</code> will be replaced by snapshot <code>{snapshot.id}</code>, taken {formatTime(snapshot.createdAt)} (
            {formatBytes(snapshot.bytes)}, {exactBytes(snapshot.bytes)}).
          </p>
          <p>
            Handrail first checks the snapshot's SHA-256 and takes a snapshot of the current state, so you can go back. Changes made after{' '}
            {formatTime(snapshot.createdAt)} will no longer be in the database.
          </p>
          {isProtected ? (
            <label className="field">
              <span className="field-label">Type the environment name to confirm</span>
              <input type="text" value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" spellCheck={false} autoFocus />
            </label>
          ) : null}
          {busy ? <ProgressBar label={phase ? `Restoring: ${phase.phase}` : 'Restoring'} done={phase?.done} total={phase?.total} /> : null}
          <ErrorAlert error={error} title="The snapshot was not restored." />
          <div className="actions">
            <button type="submit" className={isProtected ? 'button danger' : 'button primary'} disabled={!ready || busy} autoFocus={!isProtected}>
              Restore snapshot
            </button>
            <button type="button" className="button" disabled={busy} onClick={() => onClose(false)}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </ModalDialog>
  );
}
