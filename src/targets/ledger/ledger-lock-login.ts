// Which ledger login took a team lock, and which login this connection is. The ledger lets
// only the login that took a lock (or a lead) release it, and records that login itself in
// lock_events.db_role (the trigger sets it from session_user, whatever the client sends): a
// machine whose login changed since its run took a lock learns here that it cannot let go.
import type { LedgerClient } from './ledger-connection.js';

/** The login each lock was taken with, by lock id (a lock with no acquire row is left out). */
export async function lockLogins(client: LedgerClient, lockIds: readonly string[]): Promise<Map<string, string>> {
  if (lockIds.length === 0) return new Map();
  const result = await client.query<{ lock_id: string; db_role: string }>(
    "SELECT lock_id, db_role FROM handrail.lock_events WHERE action = 'acquire' AND lock_id = ANY($1::text[])",
    [lockIds],
  );
  return new Map(result.rows.map((r) => [r.lock_id, r.db_role]));
}

/** This connection's login, as the ledger's rules see it. */
export async function sessionLogin(client: LedgerClient): Promise<string> {
  return (await client.query<{ login: string }>('SELECT session_user AS login')).rows[0]?.login ?? '?';
}
