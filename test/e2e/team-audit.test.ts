// The console's Audit view in its team scope, in Debian's Chromium against `handrail serve`
// on the lead's machine: the two machines' runs from a real team ledger (PostgreSQL) appear
// with their machine; once the ledger's superuser forges a row of machine A around the
// triggers, the view names machine A as not to be trusted and marks its runs.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestTeam } from '../support/team-machines.js';
import { openConsole } from './flows/console-page.js';
import { freshContext } from './support/chromium.js';
import type { ConsoleProcess } from './support/console-process.js';
import { startTeamConsole, type TeamConsole } from './support/team-console.js';

let started: TeamConsole | undefined;
let team: TestTeam;
let browser: Browser;
let server: ConsoleProcess;

beforeAll(async () => {
  started = await startTeamConsole('e2e-team');
  ({ team, browser, server } = started);
}, 180_000);

afterAll(async () => {
  await started?.stop();
});

describe("the Audit view's team scope", () => {
  it("lists every machine's runs from the ledger, and flags a machine whose chain was forged", { timeout: 90_000 }, async () => {
    const context = await freshContext(browser);
    const problems: string[] = [];
    try {
      const page = await context.newPage();
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      await openConsole(page, server.url);
      await page.goto(`${server.origin}/#/audit`);
      await page.getByLabel('Scope').selectOption('team');
      const table = page.getByRole('table', { name: 'Team runs, newest first' });
      await table.waitFor();
      await expect.poll(() => table.getByRole('row').count()).toBe(3);
      const printerRow = table.getByRole('row').filter({ hasText: team.printer });
      const failerRow = table.getByRole('row').filter({ hasText: team.failer });
      await expect.poll(() => printerRow.textContent()).toMatch(/prints.*dev.*ana/s);
      await expect.poll(() => failerRow.textContent()).toMatch(/fails.*dev.*bob/s);
      expect(await page.getByRole('status').filter({ hasText: /2 runs on 2 machines in the team ledger/ }).count()).toBe(1);
      expect(await page.getByRole('alert').filter({ hasText: 'Not to be trusted' }).count()).toBe(0);
      expect(await table.getByText('does not verify').count()).toBe(0);

      const head = Number(await team.ledger.pg.psql(`SELECT max(seq) FROM handrail.audit_events WHERE machine_id = '${team.machineIdA}'`, { database: team.ledger.database }));
      await team.ledger.pg.psql(
        `SET session_replication_role = replica;
         INSERT INTO handrail.audit_events (machine_id, seq, at, operator, machine, app_version, kind, run_id, step_idx, environment, target, body_sha256, prev_hash, hash)
         VALUES ('${team.machineIdA}', ${head + 1}, '2099-01-01T00:00:00.000Z', 'ana', 'forged', '0.0.0', 'step.succeeded', '${team.printer}', 0, 'dev', NULL,
                 '${'a'.repeat(64)}', '${'b'.repeat(64)}', '${'c'.repeat(64)}');`,
        { database: team.ledger.database },
      );
      // Back to this machine's scope and again to the team's: the page is read anew.
      await page.getByLabel('Scope').selectOption('local');
      await page.getByLabel('Scope').selectOption('team');
      const alert = page.getByRole('alert').filter({ hasText: 'Not to be trusted' });
      await alert.waitFor();
      expect(await alert.textContent()).toContain(team.machineIdA);
      expect(await alert.textContent()).not.toContain(team.machineIdB);
      await expect.poll(() => table.getByRole('row').filter({ hasText: team.printer }).textContent()).toMatch(/does not verify/);
      expect(await table.getByRole('row').filter({ hasText: team.failer }).textContent()).not.toMatch(/does not verify/);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
