// A step's snapshots: a progress bar while one is being taken, then its size and checksum
// once it is written and verified.
import type { SnapshotProgress } from '../../../../src/contract/api.js';
import type { Snapshot } from '../../../../src/contract/snapshot.js';
import { ProgressBar } from '../../components/progress-bar.js';
import { exactBytes, formatBytes, formatTime } from '../../lib/format.js';

export function SnapshotStatus({ progress, snapshots }: { progress: readonly SnapshotProgress[]; snapshots: readonly Snapshot[] }) {
  const targets = new Set([...progress.map((p) => p.target), ...snapshots.map((s) => s.target)]);
  if (targets.size === 0) return null;
  return (
    <div className="snapshot-status" aria-label="Snapshots of this step" role="group">
      {[...targets].map((target) => {
        const taken = snapshots.filter((s) => s.target === target).at(-1);
        const p = progress.find((item) => item.target === target);
        if (taken) return <SnapshotDone key={target} snapshot={taken} />;
        if (p?.phase === 'verified' && p.sha256 !== undefined && p.bytes !== undefined) {
          return (
            <div key={target} className="snapshot-done">
              <strong>✓ Snapshot of {target} verified</strong>: {formatBytes(p.bytes)} ({exactBytes(p.bytes)}), SHA-256 <code className="checksum">{p.sha256}</code>
            </div>
          );
        }
        return <ProgressBar key={target} label={`Taking a snapshot of ${target}`} done={p?.done} total={p?.total} />;
      })}
    </div>
  );
}

function SnapshotDone({ snapshot }: { snapshot: Snapshot }) {
  return (
    <div className="snapshot-done">
      <strong>
        {snapshot.verified ? '✓' : '⚠'} Snapshot of {snapshot.target} {snapshot.verified ? 'verified' : 'NOT verified'}
      </strong>
      : {formatBytes(snapshot.bytes)} ({exactBytes(snapshot.bytes)}), SHA-256 <code className="checksum">{snapshot.sha256}</code>
      <div className="small muted">
        {snapshot.id} · taken {formatTime(snapshot.createdAt)} · {snapshot.path}
      </div>
    </div>
  );
}
