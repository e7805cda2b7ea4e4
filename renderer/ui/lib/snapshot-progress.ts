// Snapshot progress comes from two places: RunDetail.snapshotProgress (what the server had
// when the page loaded) and `snapshot` events (what happened since). Keep, per step and
// target, whichever is further along.
import type { SnapshotProgress } from '../../../src/contract/api.js';

const PHASE_ORDER: Record<SnapshotProgress['phase'], number> = { start: 0, progress: 1, verified: 2 };

export type ProgressByKey = Record<string, SnapshotProgress>;

export const progressKey = (p: Pick<SnapshotProgress, 'idx' | 'target'>) => `${p.idx}:${p.target}`;

function further(a: SnapshotProgress | undefined, b: SnapshotProgress): boolean {
  if (!a) return true;
  if (PHASE_ORDER[b.phase] !== PHASE_ORDER[a.phase]) return PHASE_ORDER[b.phase] > PHASE_ORDER[a.phase];
  return (b.done ?? 0) >= (a.done ?? 0);
}

export function mergeProgress(into: ProgressByKey, items: readonly SnapshotProgress[]): ProgressByKey {
  let next = into;
  for (const item of items) {
    const key = progressKey(item);
    if (further(next[key], item)) {
      if (next === into) next = { ...into };
      next[key] = item;
    }
  }
  return next;
}
