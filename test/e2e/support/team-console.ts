// What the specs of the Audit view's team scope stand on: two machines' runs in a real team
// ledger (PostgreSQL, test/support/team-machines.ts), Chromium, and `handrail serve` on the
// lead's machine. Started before a file's tests, stopped after them; a start that fails half
// way stops what it had started, so no PostgreSQL or browser outlives the file.
import type { Browser } from 'playwright-core';
import { startTestTeam, type TestTeam } from '../../support/team-machines.js';
import { makeTempDir, removeDir } from '../../support/temp-dir.js';
import { launchChromium } from './chromium.js';
import { startConsole, type ConsoleProcess } from './console-process.js';

export interface TeamConsole {
  team: TestTeam;
  browser: Browser;
  /** `handrail serve` on the lead's machine. */
  server: ConsoleProcess;
  stop: () => Promise<void>;
}

/** `prefix`: the temporary folder's name, for finding it when a run is left behind. */
export async function startTeamConsole(prefix: string): Promise<TeamConsole> {
  const root = await makeTempDir(prefix);
  let team: TestTeam | undefined;
  let browser: Browser | undefined;
  let server: ConsoleProcess | undefined;
  const stop = async () => {
    await server?.stop();
    await browser?.close();
    await team?.ledger.pg.stop();
    await removeDir(root);
  };
  try {
    team = await startTestTeam(root);
    browser = await launchChromium();
    server = await startConsole(team.lead);
  } catch (error) {
    await stop();
    throw error;
  }
  return { team, browser, server, stop };
}
