// The console API's look ahead for an interrupted or failed run's page: which team locks a
// resume here would leave held. Asked by the page after it shows, apart from getRun, so a
// ledger that is slow or down delays only this note, never the page or its Resume button.
import { teamMachineId } from '../../store/team-machine.js';
import { UserError } from '../errors.js';
import { type ConsoleParts, type Handlers, requireRun } from './console-parts.js';

export type ResumeOutlookOps = 'resumeOutlook';

export function resumeOutlookHandlers(parts: Pick<ConsoleParts, 'settings' | 'runs' | 'driver' | 'context'>): Handlers<ResumeOutlookOps> {
  return {
    async resumeOutlook(r) {
      const run = requireRun(parts, r.runId);
      if ((run.status !== 'interrupted' && run.status !== 'failed') || parts.driver.get(run.id)) return { locks: [] };
      // Loaded on use: the inventory's parser and the ledger's client are no part of the console's start.
      const [{ loadInventory }, { teamConfig }, { resumeOutlook, uncheckedOutlook }] = await Promise.all([
        import('../run-plan.js'),
        import('../team/team-config.js'),
        import('../team/resume-outlook.js'),
      ]);
      let team;
      try {
        team = teamConfig(await loadInventory(parts.settings.workspace));
      } catch (error) {
        // The resume itself will say what is wrong with the inventory; here only that nothing was checked.
        return uncheckedOutlook(error instanceof UserError ? error.message : 'the workspace inventory could not be read');
      }
      if (team === undefined) return { locks: [] };
      return resumeOutlook(team, teamMachineId(parts.context.db), run.id);
    },
  };
}
