// Which snapshots retention may delete: those older than keep-days, then the oldest while
// the rest is over max-gb — but never one of a run still open (running, interrupted:
// it may need a restore) nor one taken in the last 24 hours, whatever the limits say.
import type { Snapshot } from '../../contract/snapshot.js';

export interface RetentionPolicy {
  keepDays: number;
  maxBytes: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = { keepDays: 14, maxBytes: 20 * 1024 ** 3 };

const DAY_MS = 24 * 60 * 60 * 1000;

export function snapshotsToDelete(snapshots: Snapshot[], policy: RetentionPolicy, now: Date, openRuns: Set<string>): Snapshot[] {
  const live = snapshots.filter((s) => s.deletedAt === null).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  const age = (s: Snapshot) => now.getTime() - Date.parse(s.createdAt);
  const kept = (s: Snapshot) => (s.runId !== null && openRuns.has(s.runId)) || age(s) < DAY_MS;
  const doomed = new Set(live.filter((s) => !kept(s) && age(s) > policy.keepDays * DAY_MS));
  let total = live.filter((s) => !doomed.has(s)).reduce((sum, s) => sum + s.bytes, 0);
  for (const s of live) {
    if (total <= policy.maxBytes) break;
    if (doomed.has(s) || kept(s)) continue;
    doomed.add(s);
    total -= s.bytes;
  }
  return live.filter((s) => doomed.has(s));
}
