// `audit search --team`: as `audit search`, over every machine's events and output in the
// team ledger; each match names its machine.
import { resolveSettings } from '../../app/settings.js';
import { ledgerReadFault, openLeadLedger } from '../../app/team/lead-ledger.js';
import { searchTeam, TEAM_OUTPUT_CHUNKS } from '../../app/team/team-search.js';
import { DEFAULT_SEARCH_LIMIT, type SearchRequest } from '../../app/audit-search-service.js';
import type { GlobalOptions } from '../global-options.js';
import { fail, print } from '../output.js';

/** The flags of `audit search` (commands/audit-search.ts), with --team and --machine. */
export type TeamSearchFlags = Omit<SearchRequest, 'text' | 'limit'> & { json?: boolean; limit?: string; team?: boolean; machine?: string };

export async function teamSearchCommand(text: string, options: TeamSearchFlags, global: GlobalOptions): Promise<number> {
  const ledger = await openLeadLedger(resolveSettings(global), 'audit search --team');
  try {
    const { json, limit, team: _team, ...filters } = options;
    const hits = await searchTeam(ledger.client, { ...filters, text, limit: limit === undefined ? undefined : Number(limit) });
    const flagged = new Map(hits.filter((h) => h.machineProblems.length > 0).map((h) => [h.machineId, h]));
    for (const h of flagged.values()) fail(`matches from machine ${h.machine} (${h.machineId}) cannot be trusted as they stand: ${h.machineProblems.join('; ')}`);
    if (json) {
      print(JSON.stringify(hits, null, 2));
      return 0;
    }
    if (hits.length === 0) print(`no matches for '${text}' in the team ledger ${ledger.place} (output: the newest ${TEAM_OUTPUT_CHUNKS} chunks were read)`);
    for (const hit of hits) {
      const where = [
        `on ${hit.machine}`,
        hit.runId ? `run ${hit.runId}` : '',
        hit.stepIdx !== null ? `step ${hit.stepIdx + 1}` : '',
        hit.attempt !== null ? `attempt ${hit.attempt}` : '',
        hit.environment ? `in ${hit.environment}` : '',
      ].filter(Boolean);
      const id = hit.seq !== null ? `#${hit.seq}` : 'output';
      print(`${id.padEnd(7)} ${hit.at}  ${(hit.operator ?? '?').padEnd(10)} ${hit.kind.padEnd(16)} ${where.join(', ')}${hit.machineProblems.length > 0 ? '  DOES NOT VERIFY' : ''}`);
      print(`        ${hit.snippet}`);
    }
    const max = limit === undefined ? DEFAULT_SEARCH_LIMIT : Number(limit);
    if (hits.length >= max) print(`(the newest ${max} matches; narrow with --machine, --run, --kind, --since/--until, or raise --limit)`);
    return 0;
  } catch (error) {
    throw ledgerReadFault(ledger, error);
  } finally {
    await ledger.close();
  }
}
