// A run letting go of its team locks (at its end, or aborted), and what stays held. The ledger
// refuses the release of a lock taken with another login than this machine's now (HR012), as
// after a resume or abort under a colleague's or a new login: that lock is then looked up again
// and reported with both logins, never passed over in silence. Before a resume goes on, the
// same rule tells which of the locks it inherits it will not be able to release.
import { connectLedger, type LedgerClient } from '../../targets/ledger/ledger-connection.js';
import { findHeldLock, heldLocks, releaseLedgerLock, type HeldLock, type LockHolderInfo } from '../../targets/ledger/ledger-locks.js';
import { lockLogins, sessionLogin } from '../../targets/ledger/ledger-lock-login.js';
import { describeLedgerFault } from './ledger-faults.js';
import type { TeamConfig } from './team-config.js';
import { LEDGER_RELEASE_REFUSED, isLead } from './team-unlock-rules.js';

export interface LockLogins {
  /** The login the lock was taken with (as the ledger recorded it). */
  takenWith: string;
  /** This machine's login now. */
  login: string;
}

export interface LockWithLogins {
  lock: HeldLock;
  logins: LockLogins;
}

export interface RunLockRelease {
  released: number;
  /** Refused by the ledger and seen still held after the refusal. */
  kept: LockWithLogins[];
  /** The ledger could not be asked (or failed midway): its fault, worded for the operator. */
  unchecked?: string;
}

/** Releases every team lock this machine's run holds; what the ledger kept is returned, not thrown. */
export async function releaseRunLocks(team: TeamConfig, runId: string, by: Pick<LockHolderInfo, 'machineId' | 'hostname' | 'operator'>, note: string): Promise<RunLockRelease> {
  let client: LedgerClient;
  try {
    client = await connectLedger(team, 'unlock');
  } catch (error) {
    return { released: 0, kept: [], unchecked: describeLedgerFault(team.url, error) };
  }
  const outcome: RunLockRelease = { released: 0, kept: [] };
  try {
    for (const lock of await heldLocks(client, { machineId: by.machineId, runId })) {
      try {
        if (await releaseLedgerLock(client, lock, { ...lock, hostname: by.hostname, operator: by.operator, note })) outcome.released++;
      } catch (error) {
        if ((error as { code?: unknown }).code !== LEDGER_RELEASE_REFUSED) throw error;
        outcome.kept.push(...(await keptAfterRefusal(client, lock)));
      }
    }
  } catch (error) {
    outcome.unchecked = describeLedgerFault(team.url, error);
  } finally {
    await client.end().catch(() => undefined);
  }
  return outcome;
}

/** Of `locks` (held by this machine), those this connection's login will not be allowed to release. */
export async function unreleasableByThisLogin(client: LedgerClient, locks: readonly HeldLock[]): Promise<LockWithLogins[]> {
  if (locks.length === 0) return [];
  const others = (await withLogins(client, locks)).filter((l) => l.logins.takenWith !== l.logins.login);
  return others.length > 0 && !(await isLead(client)) ? others : [];
}

/** After the ledger refused to release `lock`: it with both logins if it is seen still held, else nothing (another hand released it meanwhile). */
export async function keptAfterRefusal(client: LedgerClient, lock: HeldLock): Promise<LockWithLogins[]> {
  const still = (await findHeldLock(client, lock.lockId)).some((l) => l.lockId === lock.lockId);
  return still ? withLogins(client, [lock]) : [];
}

async function withLogins(client: LedgerClient, locks: readonly HeldLock[]): Promise<LockWithLogins[]> {
  const taken = await lockLogins(client, locks.map((l) => l.lockId));
  const login = await sessionLogin(client);
  return locks.map((lock) => ({ lock, logins: { takenWith: taken.get(lock.lockId) ?? '?', login } }));
}
