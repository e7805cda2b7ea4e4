// A run or snapshot named on the command line or in a request: its id, or a unique prefix
// of it. Found by one query (src/store/id-prefix.ts); the refusal says what to do next.
import type { Run } from '../contract/run.js';
import type { Snapshot } from '../contract/snapshot.js';
import type { RunStore } from '../store/run-store.js';
import type { SnapshotStore } from '../store/snapshot-store.js';
import { UserError } from './errors.js';

/** `nothing` ends the refusal: what was left undone ("nothing was exported"). */
export function findRun(store: RunStore, ref: string, nothing?: string): Run {
  const result = store.findRun(ref);
  if (result.found) return result.found;
  const why = result.matches === 0 ? `no run '${ref}' (handrail runs lists them)` : `'${ref}' matches more than one run; give more of the id`;
  throw new UserError(nothing === undefined ? why : `${why}; ${nothing}`);
}

export function findSnapshot(store: SnapshotStore, ref: string): Snapshot {
  const result = store.find(ref);
  if (result.found) return result.found;
  throw new UserError(result.matches === 0 ? `no snapshot '${ref}' (handrail snapshots lists them)` : `'${ref}' matches more than one snapshot; give more of the id`);
}
