// The console API for the Audit view's team scope: a page of every machine's runs from the
// team ledger, and one of those runs opened. Each call opens its own connection and closes
// it, so a ledger that restarts or goes away costs one refused page (worded for the lead),
// not a console left broken.
import type { Settings } from '../settings.js';
import type { Handlers } from './console-parts.js';

export type TeamOps = 'listTeamRuns' | 'getTeamRun';

export function teamHandlers(parts: { settings: Settings }): Handlers<TeamOps> {
  return {
    async listTeamRuns(r) {
      // Loaded on first use: the PostgreSQL client is no part of the console's start.
      const [{ ledgerReadFault, openLeadLedger }, { TeamRuns }] = await Promise.all([import('../team/lead-ledger.js'), import('../team/team-runs.js')]);
      const ledger = await openLeadLedger(parts.settings, 'console team scope');
      try {
        return await new TeamRuns(ledger.client, ledger.place).page(r);
      } catch (error) {
        throw ledgerReadFault(ledger, error);
      } finally {
        await ledger.close();
      }
    },

    async getTeamRun(r) {
      const [{ ledgerReadFault, openLeadLedger }, { TeamRuns }, { teamRunView }] = await Promise.all([
        import('../team/lead-ledger.js'),
        import('../team/team-runs.js'),
        import('./team-run-view.js'),
      ]);
      const ledger = await openLeadLedger(parts.settings, 'console team run');
      try {
        return await teamRunView(new TeamRuns(ledger.client, ledger.place), r.machineId, r.runId);
      } catch (error) {
        throw ledgerReadFault(ledger, error);
      } finally {
        await ledger.close();
      }
    },
  };
}
