// Restore is one action with its own confirmation: what will be replaced, by what, and
// the note that the current state is snapshotted first. A protected environment needs its
// name typed. Progress comes from `restore` events; the dialog cannot be closed meanwhile.
import { useState } from 'react';
import { useLoad } from '../../lib/use-load.js';
import type { ApiResponse } from '../../../../src/contract/api.js';
import type { Snapshot } from '../../../../src/contract/snapshot.js';
import { useClient, useConsoleEvents } from '../../api/api-context.js';
import { ErrorAlert } from '../../components/error-alert.js';
import { ModalDialog } from '../../components/modal-dialog.js';
import { ProgressBar } from '../../components/progress-bar.js';
import { ProtectedBanner } from '../../components/protected-banner.js';
import { exactBytes, formatBytes, formatTime } from '../../lib/format.js';
import { useAction } from '../../lib/use-action.js';

type Restored = ApiResponse<'restoreSnapshot'>;

export function RestoreDialog({ snapshot, isProtected, onClose }: { snapshot: Snapshot; isProtected: boolean; onClose: (restored: boolean) => void }) {
  const client = useClient();
  const [typed, setTyped] = useState('');
  const [phase, setPhase] = useState<{ phase: string; done: number; total: number } | null>(null);
  const [result, setResult] = useState<Restored | null>(null);
  const ready = !isProtected || typed === snapshot.environment;
  // Runs in the environment that were under way or started after the snapshot: what they
  // changed in this database is undone too, and the operator must see that before saying yes.
  const later = useLoad(() => client.listRuns({ environment: snapshot.environment, offset: 0, limit: 100 }), [snapshot.environment]);
  const laterRuns = (later.data?.runs ?? []).filter((r) => (r.finishedAt === null || r.finishedAt > snapshot.createdAt));

  useConsoleEvents((event) => {
    if (event.type === 'restore' && event.snapshotId === snapshot.id) setPhase({ phase: event.phase, done: event.done, total: event.total });
  });

  const { run: restore, busy, error } = useAction(async () => {
    setResult(await client.restoreSnapshot(isProtected ? { snapshotId: snapshot.id, typed } : { snapshotId: snapshot.id }));
  });

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
          <dl className="facts restore-facts">
            <dt>Snapshot</dt>
            <dd>
              <code>{snapshot.id}</code>, {snapshotOrigin(snapshot)} ({formatBytes(snapshot.bytes)}, {exactBytes(snapshot.bytes)})
            </dd>
            <dt>Target</dt>
            <dd>
              <strong>{snapshot.target}</strong> in <strong>{snapshot.environment}</strong>: <code>{snapshot.location}</code>
            </dd>
            <dt>Taken</dt>
            <dd>{formatTime(snapshot.createdAt)}</dd>
          </dl>
          <div className="alert alert-warn" role="note">
            <strong>Every change made to this database after {formatTime(snapshot.createdAt)} will be undone</strong>, including what later runs changed in
            it.
            {laterRuns.length > 0 ? (
              <>
                {' '}
                Runs in {snapshot.environment} since then:
                <ul className="later-runs">
                  {laterRuns.slice(0, 5).map((r) => (
                    <li key={r.id}>
                      <code>{r.id}</code> {r.runbookId} {r.runbookVersion}, by {r.operator}, started {formatTime(r.startedAt)} ({r.status})
                    </li>
                  ))}
                </ul>
                {laterRuns.length > 5 ? <span> and {laterRuns.length - 5} more.</span> : null}
              </>
            ) : later.data ? (
              <> No run in {snapshot.environment} has started since then.</>
            ) : null}
          </div>
          <p>Handrail first checks the snapshot's SHA-256 and takes a snapshot of the current state, so this restore can itself be undone.</p>
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

function snapshotOrigin(s: Snapshot): string {
  if (s.reason === 'step') return `taken before step ${(s.step ?? 0) + 1} of run ${s.runId ?? '?'}`;
  if (s.reason === 'pre-restore') return 'the state a restore replaced';
  return `taken by hand by ${s.operator}`;
}
