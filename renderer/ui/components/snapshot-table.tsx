// Snapshots as a table: when, what, how big, the checksum, and why it was taken.
import type { ReactNode } from 'react';
import type { Snapshot } from '../../../src/contract/snapshot.js';
import { exactBytes, formatBytes, formatTime } from '../lib/format.js';
import { href } from '../lib/routes.js';

export function SnapshotTable({ snapshots, actions }: { snapshots: readonly Snapshot[]; actions?: (snapshot: Snapshot) => ReactNode }) {
  return (
    <table className="table snapshot-table">
      <thead>
        <tr>
          <th scope="col">Taken</th>
          <th scope="col">Environment / target</th>
          <th scope="col">Size</th>
          <th scope="col">SHA-256</th>
          <th scope="col">Verified</th>
          <th scope="col">Why</th>
          <th scope="col">Run</th>
          {actions ? <th scope="col">Action</th> : null}
        </tr>
      </thead>
      <tbody>
        {snapshots.map((s) => (
          <tr key={s.id} className={s.deletedAt ? 'deleted' : undefined}>
            <td>
              {formatTime(s.createdAt)}
              <div className="small muted">
                <code>{s.id}</code>
              </div>
            </td>
            <td>
              {s.environment} / <strong>{s.target}</strong> <span className="muted">({s.kind})</span>
            </td>
            <td title={exactBytes(s.bytes)}>{formatBytes(s.bytes)}</td>
            <td>
              <code className="checksum">{s.sha256}</code>
            </td>
            <td>{s.verified ? '✓ verified' : '✗ not verified'}</td>
            <td>
              {s.reason === 'step' && s.step !== null ? `before step ${s.step + 1}` : s.reason === 'pre-restore' ? 'before a restore' : 'taken by hand'}
              {s.deletedAt ? <div className="small muted">deleted {formatTime(s.deletedAt)} (retention)</div> : null}
            </td>
            <td>{s.runId ? <a href={href.auditRun(s.runId)}>{s.runId}</a> : '—'}</td>
            {actions ? <td>{actions(s)}</td> : null}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
