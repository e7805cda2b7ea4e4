// A run that ended while the ledger could not be reached is let go of by a later shipment; a
// lock of it taken with another login than this machine's now is refused there (HR012) and
// stays held for the whole team. The run gets the same team.lock-kept record its own end would
// have made (so `show` and the console say it), once per lock: every later shipment is
// refused again and says so to whoever ships by hand, but the trail need not repeat it.
import { runEventsOfKind } from '../../store/audit-search.js';
import type { AppDatabase } from '../../store/open-database.js';
import type { RunStore } from '../../store/run-store.js';
import type { LockWithLogins } from './run-lock-release.js';
import { TEAM_LOCK_KEPT, keptText, recordKept } from './team-lock-kept.js';

/** The texts for whoever shipped; `recorded` counts the records added to the trail now. */
export function recordShippedKept(
  db: AppDatabase['db'],
  store: RunStore,
  operator: string,
  run: { id: string; status: string },
  kept: readonly LockWithLogins[],
): { texts: string[]; recorded: number } {
  const already = new Set(runEventsOfKind(db, run.id, TEAM_LOCK_KEPT).map((e) => (e.body as { lockId?: unknown } | null)?.lockId));
  const fresh = kept.filter((k) => !already.has(k.lock.lockId));
  recordKept(store, operator, run.id, run.status, { released: 0, kept: fresh }, false);
  return { texts: kept.map(({ lock, logins }) => keptText(lock, run.id, run.status, logins)), recorded: fresh.length };
}
