// Before an interrupted run is resumed in the console: the team locks it holds that this
// machine's ledger login will not be able to release when the resumed run ends (taken with
// another login; only that login or a lead may release them), so the operator reads it before
// pressing Resume. Only a look: nothing is recorded, and a ledger that cannot be asked gives one
// line saying so, never an error, since the resume itself does not depend on this answer.
import { connectLedger, type LedgerClient } from '../../targets/ledger/ledger-connection.js';
import { heldLocks } from '../../targets/ledger/ledger-locks.js';
import { describeLedgerFault } from './ledger-faults.js';
import { unreleasableByThisLogin } from './run-lock-release.js';
import type { TeamConfig } from './team-config.js';
import { outlookText } from './team-lock-kept.js';

export interface ResumeOutlook {
  /** One note per lock a resume here would leave held. */
  locks: string[];
  /** The ledger could not be asked: why, worded for the operator. */
  unchecked?: string;
}

export function uncheckedOutlook(fault: string): ResumeOutlook {
  return { locks: [], unchecked: `could not check the team ledger for locks a resume would leave held: ${fault}. Resuming works as before and says so at its start if one is` };
}

export async function resumeOutlook(team: TeamConfig, machineId: string, runId: string): Promise<ResumeOutlook> {
  let client: LedgerClient;
  try {
    client = await connectLedger(team, 'resume outlook');
  } catch (error) {
    return uncheckedOutlook(describeLedgerFault(team.url, error));
  }
  try {
    const unreleasable = await unreleasableByThisLogin(client, await heldLocks(client, { machineId, runId }));
    return { locks: unreleasable.map(({ lock, logins }) => outlookText(lock, runId, logins)) };
  } catch (error) {
    return uncheckedOutlook(describeLedgerFault(team.url, error));
  } finally {
    await client.end().catch(() => undefined);
  }
}
