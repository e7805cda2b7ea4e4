// `handrail team init`: run once (and again after an upgrade) by whoever administers the
// ledger's database, with a login that may create a schema and roles there.
import { connectLedger, ledgerPlace, type LedgerAddress } from '../../targets/ledger/ledger-connection.js';
import { migrateLedger } from '../../targets/ledger/ledger-migrate.js';
import { UserError } from '../errors.js';
import { firstLine } from '../../store/store-error.js';
import { ledgerUnreachable } from './ledger-faults.js';

export interface TeamInitResult {
  place: string;
  applied: string[];
}

export async function initTeamLedger(address: LedgerAddress): Promise<TeamInitResult> {
  const place = ledgerPlace(address.url);
  let client;
  try {
    client = await connectLedger(address, 'init', 15_000);
  } catch (error) {
    const down = ledgerUnreachable(address.url, error);
    throw new UserError(`${down ?? `could not log in to ${place} (${firstLine(error)})`}; nothing was created. Check the URL and the password variable, then run team init again.`, 1);
  }
  try {
    return { place, applied: await migrateLedger(client) };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const why =
      code === '42501'
        ? `${firstLine(error)}: team init needs a login with CREATE on the database and CREATEROLE (or the roles handrail_writer, handrail_reader and handrail_lead created beforehand)`
        : firstLine(error);
    throw new UserError(`team init on ${place} failed (${why}); it ran in one transaction, so nothing was created or changed. Fix that, then run team init again.`, 1);
  } finally {
    await client.end().catch(() => undefined);
  }
}
