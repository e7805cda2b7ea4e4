// Every snapshot Handrail holds, newest first, each restorable.
import { useState } from 'react';
import type { Snapshot } from '../../../../src/contract/snapshot.js';
import { useClient, useConnection } from '../../api/api-context.js';
import { ErrorAlert } from '../../components/error-alert.js';
import { PageHeading } from '../../components/page-heading.js';
import { SnapshotTable } from '../../components/snapshot-table.js';
import { exactBytes, formatBytes } from '../../lib/format.js';
import { useLoad } from '../../lib/use-load.js';
import { RestoreDialog } from './restore-dialog.js';

export function SnapshotsView() {
  const client = useClient();
  const { reconnects } = useConnection();
  const list = useLoad(() => client.listSnapshots({}), [reconnects], { primary: true });
  const environments = useLoad(() => client.listEnvironments({}), []);
  const [restoring, setRestoring] = useState<Snapshot | null>(null);

  const snapshots = [...(list.data?.snapshots ?? [])].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  const kept = snapshots.filter((s) => !s.deletedAt);
  const total = kept.reduce((sum, s) => sum + s.bytes, 0);
  const isProtected = (name: string) => environments.data?.environments.find((e) => e.name === name)?.protected ?? false;

  return (
    <section className="view">
      <PageHeading>Snapshots</PageHeading>
      <ErrorAlert error={list.error} title="The snapshots could not be listed." />
      {list.data ? (
        <p className="muted">
          {kept.length} {kept.length === 1 ? 'snapshot' : 'snapshots'} kept, <span title={exactBytes(total)}>{formatBytes(total)}</span> in all.
        </p>
      ) : (
        <p className="muted">Loading snapshots…</p>
      )}
      {list.data && snapshots.length === 0 ? <p className="empty">No snapshots yet. Handrail takes one before every step that changes a database.</p> : null}
      {snapshots.length > 0 ? (
        <SnapshotTable
          snapshots={snapshots}
          actions={(s) =>
            s.deletedAt ? (
              <span className="muted">deleted</span>
            ) : (
              <button type="button" className="button small" onClick={() => setRestoring(s)} title={`Restore ${s.target} in ${s.environment} from ${s.id}`}>
                Restore
              </button>
            )
          }
        />
      ) : null}
      {restoring ? (
        <RestoreDialog
          snapshot={restoring}
          isProtected={isProtected(restoring.environment)}
          onClose={(restored) => {
            setRestoring(null);
            if (restored) list.reload();
          }}
        />
      ) : null}
    </section>
  );
}
