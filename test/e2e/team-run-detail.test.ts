// A lead opens another machine's run from the Audit view's team scope, in Debian's Chromium
// against `handrail serve`, with a real team ledger (PostgreSQL): its steps, its output, the
// machine it ran on and that its chain checks out are on screen, at a link that back and
// forward reach. Once the ledger's superuser edits one of its events, the page says at the
// top that the run does not verify; a login without handrail_reader gets the console's error,
// and the list read before it stays.
import { hostname } from 'node:os';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestTeam } from '../support/team-machines.js';
import { expectNoSeriousViolations } from './flows/accessibility.js';
import { openConsole } from './flows/console-page.js';
import { freshContext } from './support/chromium.js';
import type { ConsoleProcess } from './support/console-process.js';
import { startTeamConsole, type TeamConsole } from './support/team-console.js';

let started: TeamConsole | undefined;
let team: TestTeam;
let browser: Browser;
let server: ConsoleProcess;

beforeAll(async () => {
  started = await startTeamConsole('e2e-team-run');
  ({ team, browser, server } = started);
}, 180_000);

afterAll(async () => {
  await started?.stop();
});

async function teamTable(page: Page) {
  await page.goto(`${server.origin}/#/audit`);
  await page.getByLabel('Scope').selectOption('team');
  const table = page.getByRole('table', { name: 'Team runs, newest first' });
  await table.waitFor();
  await expect.poll(() => table.getByRole('row').count()).toBe(3);
  return table;
}

describe("a team run's detail in the console", () => {
  it("opens another machine's run from the team list, and says so plainly when its events were edited in the ledger", { timeout: 120_000 }, async () => {
    const context = await freshContext(browser);
    const problems: string[] = [];
    try {
      const page = await context.newPage();
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      await openConsole(page, server.url);
      const table = await teamTable(page);

      // A click on machine A's row opens its run: steps, output, machine, chain checked.
      await table.getByRole('row').filter({ hasText: team.printer }).click();
      const detail = page.getByRole('region', { name: 'Steps of this run' });
      await detail.waitFor();
      expect(page.url()).toContain(`#/team/${encodeURIComponent(team.machineIdA)}/${encodeURIComponent(team.printer)}`);
      expect(await detail.textContent()).toContain('Print a canary');
      await page.getByRole('region', { name: 'Output of step 1' }).getByText('the quokka-7 canary sang').waitFor();
      const facts = page.getByRole('definition').filter({ hasText: team.machineIdA });
      expect(await facts.textContent()).toContain(hostname());
      await page.getByText(/verified against the key pinned for/).waitFor();
      expect(await page.getByText(/does not verify/).count()).toBe(0);
      await expectNoSeriousViolations(page, 'team run');

      // Back to the team list, forward to the run again.
      await page.goBack();
      await page.getByRole('table', { name: 'Team runs, newest first' }).waitFor();
      await page.goForward();
      await page.getByRole('region', { name: 'Output of step 1' }).getByText('the quokka-7 canary sang').waitFor();

      // Enter on machine B's row opens its run.
      const again = await teamTable(page);
      await again.getByRole('link', { name: new RegExp(team.failer) }).focus();
      await page.keyboard.press('Enter');
      await page.getByRole('region', { name: 'Steps of this run' }).getByText('Fail on purpose').waitFor();
      expect(page.url()).toContain(`#/team/${encodeURIComponent(team.machineIdB)}/${encodeURIComponent(team.failer)}`);
      await page.getByText('exit 3').first().waitFor();

      // The ledger's superuser edits an event of machine A's run around the triggers.
      await team.ledger.pg.psql(
        `SET session_replication_role = replica;
         UPDATE handrail.audit_events SET operator = 'mallory' WHERE machine_id = '${team.machineIdA}' AND run_id = '${team.printer}' AND kind = 'step.succeeded';`,
        { database: team.ledger.database },
      );
      await page.goto(`${server.origin}/#/team/${encodeURIComponent(team.machineIdA)}/${encodeURIComponent(team.printer)}`);
      const alert = page.getByRole('alert').filter({ hasText: 'does not verify' });
      await alert.waitFor();
      expect(await alert.textContent()).toMatch(/This run does not verify against the key pinned for/);
      // It is the first thing on the page, above the run's facts.
      const alertBox = await alert.boundingBox();
      const factsBox = await page.locator('dl.facts').boundingBox();
      expect(alertBox && factsBox && alertBox.y < factsBox.y).toBe(true);
      await expectNoSeriousViolations(page, 'team run that does not verify');
      await page.getByRole('region', { name: 'Output of step 1' }).getByText('the quokka-7 canary sang').waitFor();

      // A lead's login without handrail_reader: the console's error, worded for the lead.
      await team.ledger.pg.psql('REVOKE handrail_reader FROM lead;');
      try {
        await page.reload();
        const refused = page.getByRole('alert').filter({ hasText: 'handrail_reader' });
        await refused.waitFor();
        expect(await refused.textContent()).toMatch(/could not be opened/);
      } finally {
        await team.ledger.pg.psql('GRANT handrail_reader TO lead;');
      }

      // The list read before a refusal stays on screen under the error, Back from a run that could not be opened.
      await page.getByRole('link', { name: '← Team runs' }).click();
      const list = page.getByRole('table', { name: 'Team runs, newest first' });
      await expect.poll(() => list.getByRole('row').count()).toBe(3);
      await team.ledger.pg.psql('REVOKE handrail_reader FROM lead;');
      try {
        await list.getByRole('link', { name: new RegExp(team.failer) }).click();
        await page.getByRole('alert').filter({ hasText: 'handrail_reader' }).waitFor();
        await page.goBack();
        await page.getByRole('alert').filter({ hasText: 'The team ledger could not be read.' }).waitFor();
        expect(await list.getByRole('row').count()).toBe(3);
      } finally {
        await team.ledger.pg.psql('GRANT handrail_reader TO lead;');
      }
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
