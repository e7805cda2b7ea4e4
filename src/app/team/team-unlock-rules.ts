// Who may release a team lock with `team unlock`. The ledger itself refuses a release from a
// login that neither took the lock nor is a lead (SQLSTATE HR012), so a modified client gets
// nowhere; what is checked here is what only this machine knows: whether its own run that
// holds the lock is still going on. A run's lock is released by its own operator only when
// this machine's journal shows its process gone and no step command of it still running
// (either would still be changing the database).
import type { Run } from '../../contract/run.js';
import type { RunStore } from '../../store/run-store.js';
import { isProcessAlive } from '../../store/interrupted-runs.js';
import type { LedgerClient } from '../../targets/ledger/ledger-connection.js';
import type { HeldLock } from '../../targets/ledger/ledger-locks.js';
import { findLeftovers, leftoverReport } from '../leftover-steps.js';

/** The SQLSTATE of the ledger's refusal to release a lock (see migration 0003-lead-unlock). */
export const LEDGER_RELEASE_REFUSED = 'HR012';

export function describeHolder(lock: HeldLock): string {
  const run = lock.runId !== null && !lock.activity.includes(lock.runId) ? ` (run ${lock.runId})` : '';
  return `team lock ${lock.lockId} on ${lock.target ?? lock.lockKey} (${lock.lockKey}) is held by ${lock.activity} of ${lock.operator} on machine ${lock.hostname} (id ${lock.machineId.slice(0, 8)})${run}, since ${lock.since}`;
}

export interface OwnLockRefusal {
  message: string;
  /** The journal cannot tell (no run to look at): a lead may still release it, on their judgement. */
  leadMay: boolean;
}

/**
 * Why this machine's own lock may not be released now (its run is still going on, or its
 * journal cannot tell), or undefined when its journal shows the run is over.
 */
export function ownRunStillGoing(store: RunStore, lock: HeldLock): OwnLockRefusal | undefined {
  const holder = describeHolder(lock);
  const untold = (why: string): OwnLockRefusal => ({
    message: `${holder}: ${why}, so nothing here shows that it is over; a lead (a login in role handrail_lead) releases it; nothing was changed`,
    leadMay: true,
  });
  if (lock.runId === null) return untold("it belongs to no run of this machine's journal");
  const run = store.getRun(lock.runId);
  if (!run) return untold(`this machine's journal has no run ${lock.runId}`);
  const going = runGoingOn(store, run);
  return going === undefined ? undefined : { message: `${holder}: ${going}; nothing was changed`, leadMay: false };
}

function runGoingOn(store: RunStore, run: Run): string | undefined {
  if (run.status === 'running') {
    if (run.host !== store.host) {
      return `this machine's journal records run ${run.id} as running in process ${run.pid ?? '?'} on host ${run.host ?? '?'}, which cannot be checked from here; release it from there`;
    }
    if (run.pid !== null && isProcessAlive(run.pid)) {
      return `run ${run.id} is still running in process ${run.pid} on this machine and lets go of the lock when it ends; stop it there (Ctrl-C, or Abort in its console), or wait for it`;
    }
  }
  const leftovers = findLeftovers(store, run.id);
  if (leftovers.length > 0) {
    return `${leftoverReport(leftovers)}, and it may still be changing the database; wait for it to end, or stop it with: handrail resume ${run.id} --stop-leftover`;
  }
  return undefined;
}

/** A login name as GRANT takes it. */
export function sqlName(login: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(login) ? login : `"${login.replaceAll('"', '""')}"`;
}

/** The ledger refused the release (HR012): who holds it, who may release it, the GRANT, and whether it still holds. */
export function releaseRefused(lock: HeldLock, login: string, ownMachine: boolean, stillHeld: boolean | undefined): string {
  const why = ownMachine ? `it was taken with another login and ${login} is not a lead` : `it is another machine's lock and ${login} is not a lead`;
  const holderMachine = lock.runId ? `resume or abort run ${lock.runId} there` : 'it lets go when what holds it ends';
  const after =
    stillHeld === true ? 'nothing was changed (the lock is still held in the ledger)' : stillHeld === false ? 'the lock is no longer held (released meanwhile by someone else); nothing was changed by this command' : 'nothing was released (the ledger refused it)';
  return (
    `${describeHolder(lock)}: the team ledger refused to let login ${login} release it, as ${why}. ` +
    `A lead (a login in role handrail_lead) must release it, or the holder's machine must (${holderMachine}). ` +
    `To make ${login} a lead, whoever administers the ledger runs: GRANT handrail_lead TO ${sqlName(login)}; ${after}`
  );
}

/** Whether this login is a lead (in role handrail_lead), as the ledger sees it. */
export async function isLead(client: LedgerClient): Promise<boolean> {
  const result = await client.query<{ lead: boolean }>("SELECT pg_has_role(session_user, 'handrail_lead', 'MEMBER') AS lead");
  return result.rows[0]?.lead === true;
}
