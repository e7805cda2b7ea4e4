// `handrail abort RUN --reason …`: an interrupted run keeps its databases locked until it is
// resumed or aborted; this is the way to let go of one nobody will resume.
import { RunService } from '../../app/run-service.js';
import { resolveSettings } from '../../app/settings.js';
import type { GlobalOptions } from '../global-options.js';
import { print } from '../output.js';

export async function abortCommand(runRef: string, options: { reason: string }, global: GlobalOptions): Promise<number> {
  const service = new RunService(resolveSettings(global));
  try {
    const run = service.abortInterrupted(runRef, options.reason);
    const kept = await service.releaseTeamLocks(run.id);
    print(`Run ${run.id} aborted: ${options.reason}`);
    if (kept.length === 0) {
      print('Its databases are released; nothing more of it will run. Its steps, output and snapshots stay (handrail show ' + run.id + ').');
      return 0;
    }
    // Its locks on this machine are gone, but not every team lock: that is said, never "released".
    print(`Nothing more of it will run; this machine's locks on its databases are released, but not everything in the team ledger:`);
    for (const note of kept) print(`  ${note}`);
    print(`Its steps, output and snapshots stay (handrail show ${run.id}).`);
    return 0;
  } finally {
    service.close();
  }
}
