// A database target that does not answer (stopped, restarting, firewalled) is a fault of the
// network or of the server, not of Handrail: say which server, and what to check.
import { errorCode, firstLine } from '../store/store-error.js';

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);
// What libpq's programs (psql, pg_dump, pg_restore) print when the server cannot be reached or drops the connection.
const LIBPQ_UNREACHABLE =
  /connection to server .* failed|could not connect to server|connection refused|timeout expired|server closed the connection unexpectedly|no route to host|could not translate host name|terminating connection due to administrator command/i;

/** host:port of a postgres:// URL (libpq's defaults filled in). */
export function postgresAddress(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname || 'localhost'}:${parsed.port || '5432'}`;
  } catch {
    return url;
  }
}

/**
 * "PostgreSQL at HOST:PORT is not answering (…)", when `error` says the server could not be
 * reached; undefined for any other failure.
 */
export function unreachableDatabase(location: string, error: unknown): string | undefined {
  const text = error instanceof Error ? error.message : String(error);
  if (!NETWORK_CODES.has(errorCode(error) ?? '') && !LIBPQ_UNREACHABLE.test(text)) return undefined;
  const cause = /connection refused/i.test(text) ? 'connection refused' : firstLine(error).slice(0, 200);
  return `PostgreSQL at ${postgresAddress(location)} is not answering (${cause})`;
}

export function unreachableAdvice(location: string): string {
  const [host, port] = postgresAddress(location).split(/:(?=[^:]*$)/);
  return `Check that the server is running and reachable from this machine (pg_isready -h ${host} -p ${port}), then run the command again`;
}
