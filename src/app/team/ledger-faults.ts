// A ledger fault worded for the operator: which ledger, what happened, what to do.
import { ledgerPlace } from '../../targets/ledger/ledger-connection.js';
import { unreachableDatabase } from '../database-unreachable.js';
import { firstLine } from '../../store/store-error.js';

/** "the team ledger at host:5432/db is not answering (…)" when it cannot be reached; undefined otherwise. */
export function ledgerUnreachable(url: string, error: unknown): string | undefined {
  const place = `the team ledger at ${ledgerPlace(url)}`;
  const down = unreachableDatabase(url, error);
  if (down) return down.replace(/^PostgreSQL at \S+/, place);
  // The driver's own words for a server that accepted the connection, then went quiet or away.
  if (/timeout|Connection terminated|ended unexpectedly/i.test(firstLine(error))) return `${place} is not answering (${firstLine(error).slice(0, 160)})`;
  return undefined;
}

/** Any ledger failure as one line: unreachable, refused by the server (with its words), or other. */
export function describeLedgerFault(url: string, error: unknown): string {
  const down = ledgerUnreachable(url, error);
  if (down) return down;
  const code = (error as { code?: unknown } | null)?.code;
  if (code === '28P01' || code === '28000') return `the team ledger at ${ledgerPlace(url)} refused the login (${firstLine(error)}); check the user in the URL and the password variable named by team.password-env`;
  if (code === '42501') return `the team ledger at ${ledgerPlace(url)} refused: ${firstLine(error)} (the login needs the role handrail_writer)`;
  if (code === '3F000' || code === '42P01') return `the team ledger at ${ledgerPlace(url)} has no schema handrail yet: whoever administers it runs \`handrail team init\` once`;
  return `the team ledger at ${ledgerPlace(url)} failed: ${firstLine(error)}`;
}
