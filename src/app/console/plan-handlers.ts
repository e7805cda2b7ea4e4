// The console's plan: the run set-up screen shows, before Start, the same plan `handrail plan`
// prints, for the environment and inputs chosen. It changes nothing and records nothing.
import { NAME_PATTERN } from '../../contract/runbook.js';
import { NotFoundError } from './api-error.js';
import type { ConsoleParts, Handlers } from './console-parts.js';

export function planHandlers(parts: Pick<ConsoleParts, 'settings'>): Handlers<'planRun'> {
  return {
    async planRun(r) {
      // As for startRun: the console plans runbooks of its workspace by id, never a path elsewhere.
      if (!new RegExp(NAME_PATTERN).test(r.runbook)) throw new NotFoundError(`'${r.runbook}' is not a runbook id (ids are lowercase letters, digits and hyphens)`);
      // Imported on first use: planning brings the runbook and SQL parsers.
      const { makePlan } = await import('../plan-service.js');
      const { id, text, plan } = await makePlan(parts.settings, { runbook: r.runbook, environment: r.environment, inputs: r.inputs }, parts.settings.workspace);
      return { id, text, plan };
    },
  };
}
