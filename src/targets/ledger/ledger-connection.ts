// The one place that opens connections to the team ledger (PostgreSQL, schema `handrail`).
// The password travels only in the driver's config object, from the environment variable the
// inventory names: never in a URL, argv, a file or a message.
import pg from 'pg';

export interface LedgerAddress {
  /** postgres://user@host:port/database, without a password. */
  url: string;
  password?: string | undefined;
}

/** A ledger that does not answer must not hold up a command for long: the outbox tries again later. */
export const LEDGER_CONNECT_TIMEOUT_MS = 5_000;

// bigint (seq) as a JavaScript number: a chain never gets near 2^53 events.
const types = {
  getTypeParser: (oid: number, format?: string) => (oid === 20 ? (text: string) => Number(text) : pg.types.getTypeParser(oid, format as 'text')),
} as unknown as pg.CustomTypesConfig;

export type LedgerClient = pg.Client;

/** A connected client; `purpose` shows in pg_stat_activity (`handrail ledger: ship`). */
export async function connectLedger(address: LedgerAddress, purpose: string, timeoutMs = LEDGER_CONNECT_TIMEOUT_MS): Promise<LedgerClient> {
  const client = new pg.Client({
    connectionString: address.url,
    connectionTimeoutMillis: timeoutMs,
    application_name: `handrail ledger: ${purpose}`,
    types,
    // A query the server never answers (it froze, the network dropped) fails instead of hanging.
    query_timeout: 60_000,
  });
  if (address.password !== undefined) client.password = address.password;
  // A connection lost while idle must not crash the process; the next query fails instead.
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
  return client;
}

/** Runs `work` on a new connection and closes it. */
export async function withLedger<T>(address: LedgerAddress, purpose: string, work: (client: LedgerClient) => Promise<T>): Promise<T> {
  const client = await connectLedger(address, purpose);
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The ledger's own refusals carry SQLSTATE HR001…HR099 (see the ledger migrations). */
export function ledgerRefusalCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^HR\d{3}$/.test(code) ? code : undefined;
}

/** `host:port/database` of a ledger URL, for messages. */
export function ledgerPlace(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname || 'localhost'}:${parsed.port || '5432'}/${decodeURIComponent(parsed.pathname.slice(1)) || '(default database)'}`;
  } catch {
    return url;
  }
}

/**
 * A connection kept open between uses must not keep the process alive by itself (a command
 * that ends without closing it still exits): its socket is unref'd while idle, ref'd in use.
 */
export function markIdle(client: LedgerClient, idle: boolean): void {
  const socket = (client as unknown as { connection?: { stream?: { ref?: () => void; unref?: () => void } } }).connection?.stream;
  if (idle) socket?.unref?.();
  else socket?.ref?.();
}
