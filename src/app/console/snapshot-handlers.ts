// The console API for snapshots: the list as the chain recorded it, and a restore with its
// typed confirmation and progress.
import { NotFoundError } from './api-error.js';
import type { ConsoleParts, Handlers } from './console-parts.js';
import { RestoreProgress, typedConfirmation } from './snapshot-restore.js';

export type SnapshotOps = 'listSnapshots' | 'restoreSnapshot';

export function snapshotHandlers(parts: ConsoleParts): Handlers<SnapshotOps> {
  const { runs, snapshots, restores } = parts;
  return {
    async listSnapshots() {
      // The chain's values where a row was edited (the run's page and audit verify name the edit).
      return { snapshots: snapshots.checkedList().snapshots };
    },

    async restoreSnapshot(r) {
      const snapshot = runs.snapshots.get(r.snapshotId);
      if (!snapshot) throw new NotFoundError(`there is no snapshot '${r.snapshotId}' in this data directory; nothing was changed`);
      const controller = new AbortController();
      const progress = new RestoreProgress(snapshot.id, (event) => parts.emit(event));
      const restoring = snapshots.restore(snapshot.id, typedConfirmation(r.typed), (phase, done, total) => progress.update(phase, done, total), controller.signal);
      restores.set(restoring, controller);
      try {
        return await restoring;
      } finally {
        restores.delete(restoring);
        if (snapshot.runId) parts.emit({ type: 'run-changed', runId: snapshot.runId });
      }
    },
  };
}
