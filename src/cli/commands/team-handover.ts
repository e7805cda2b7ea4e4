// `handrail handover --team`: the bundle over every machine's runs in the team ledger (see
// src/app/team/team-handover.ts).
import { resolveSettings } from '../../app/settings.js';
import { ledgerReadFault, openLeadLedger } from '../../app/team/lead-ledger.js';
import { writeTeamHandover } from '../../app/team/team-handover.js';
import type { GlobalOptions } from '../global-options.js';
import { print } from '../output.js';

export async function teamHandoverCommand(flags: { since: string; until?: string; out: string }, global: GlobalOptions): Promise<number> {
  const settings = resolveSettings(global);
  const ledger = await openLeadLedger(settings, 'handover --team');
  try {
    const result = await writeTeamHandover(ledger.client, ledger.place, settings, flags);
    const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
    print(`wrote ${result.out} from the team ledger ${ledger.place}: ${plural(result.runs, 'run')}, ${plural(result.runbooks, 'runbook version')}, ${plural(result.openItems, 'open item')} (${result.since} to ${result.until})`);
    if (result.openItems > 0) print(`read ${result.out}/open-items.md first`);
    print(`recorded as audit event ${result.seq} in this machine's trail`);
    return 0;
  } catch (error) {
    throw ledgerReadFault(ledger, error);
  } finally {
    await ledger.close();
  }
}
