// Team locks in the ledger: appended 'acquire' and 'release' rows of handrail.lock_events. The
// ledger's insert trigger keeps one holder per target identity (it refuses a second acquire
// with SQLSTATE HR010), so two machines can never both hold one, whatever they send.
import { randomUUID } from 'node:crypto';
import type { LedgerClient } from './ledger-connection.js';

export interface LockHolderInfo {
  machineId: string;
  hostname: string;
  operator: string;
  runId: string | null;
  environment: string | null;
  target: string | null;
  activity: string;
}

export interface HeldLock extends LockHolderInfo {
  lockId: string;
  lockKey: string;
  /** ISO 8601. */
  since: string;
}

export type LedgerLockResult = { acquired: true; lockId: string; reentered: boolean } | { acquired: false; holder: HeldLock | undefined };

interface HeldRow {
  lock_id: string;
  lock_key: string;
  machine_id: string;
  hostname: string;
  operator: string;
  run_id: string | null;
  environment: string | null;
  target: string | null;
  activity: string;
  since: Date;
}

const HELD = 'SELECT lock_id, lock_key, machine_id, hostname, operator, run_id, environment, target, activity, since FROM handrail.held_locks';

function toHeld(r: HeldRow): HeldLock {
  return {
    lockId: r.lock_id, lockKey: r.lock_key, machineId: r.machine_id, hostname: r.hostname, operator: r.operator, runId: r.run_id,
    environment: r.environment, target: r.target, activity: r.activity, since: new Date(r.since).toISOString(),
  };
}

/** Takes the lock on `lockKey`, or finds it already held by this machine's same run (a resume). */
export async function acquireLedgerLock(client: LedgerClient, lockKey: string, who: LockHolderInfo): Promise<LedgerLockResult> {
  try {
    const inserted = await client.query<{ lock_id: string }>(
      `INSERT INTO handrail.lock_events (lock_id, action, lock_key, machine_id, hostname, operator, run_id, environment, target, activity)
       VALUES ($1, 'acquire', $2, $3, $4, $5, $6, $7, $8, $9) RETURNING lock_id`,
      [randomUUID(), lockKey, who.machineId, who.hostname, who.operator, who.runId, who.environment, who.target, who.activity],
    );
    const made = inserted.rows[0]?.lock_id;
    if (made) return { acquired: true, lockId: made, reentered: false };
    // The trigger skipped the row: this run of this machine holds it already.
    const mine = await client.query<HeldRow>(`${HELD} WHERE lock_key = $1 AND machine_id = $2`, [lockKey, who.machineId]);
    const row = mine.rows[0];
    if (row) return { acquired: true, lockId: row.lock_id, reentered: true };
    return { acquired: false, holder: undefined };
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'HR010') throw error;
    return { acquired: false, holder: (await heldLocks(client, { lockKey }))[0] };
  }
}

export async function heldLocks(client: LedgerClient, filter: { lockKey?: string; machineId?: string; runId?: string } = {}): Promise<HeldLock[]> {
  const where: string[] = [];
  const params: string[] = [];
  for (const [column, value] of [['lock_key', filter.lockKey], ['machine_id', filter.machineId], ['run_id', filter.runId]] as const) {
    if (value === undefined) continue;
    params.push(value);
    where.push(`${column} = $${params.length}`);
  }
  const result = await client.query<HeldRow>(`${HELD}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY since`, params);
  return result.rows.map(toHeld);
}

/** The held lock whose id is `ref` or starts with it; several: ambiguous (returned all). */
export async function findHeldLock(client: LedgerClient, ref: string): Promise<HeldLock[]> {
  const result = await client.query<HeldRow>(`${HELD} WHERE lock_id = $1 OR starts_with(lock_id, $1) ORDER BY since LIMIT 5`, [ref]);
  return result.rows.map(toHeld);
}

/** Appends the release of a held lock; false when it was not held (any more). */
export async function releaseLedgerLock(client: LedgerClient, lock: Pick<HeldLock, 'lockId' | 'lockKey'>, by: LockHolderInfo & { note: string | null }): Promise<boolean> {
  try {
    await client.query(
      `INSERT INTO handrail.lock_events (lock_id, action, lock_key, machine_id, hostname, operator, run_id, environment, target, activity, note)
       VALUES ($1, 'release', $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [lock.lockId, lock.lockKey, by.machineId, by.hostname, by.operator, by.runId, by.environment, by.target, by.activity, by.note],
    );
    return true;
  } catch (error) {
    if ((error as { code?: unknown }).code === 'HR011' || (error as { code?: unknown }).code === '23505') return false;
    throw error;
  }
}
