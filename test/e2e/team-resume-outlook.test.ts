// Show before you ask, in Debian's Chromium against `handrail serve` with a real team ledger
// (PostgreSQL): an interrupted run whose team lock was taken with another ledger login than
// this machine's now. Its page must say, in the resume panel and before Resume is pressed,
// that a resume here would leave the lock held, naming it, both logins and what a lead does;
// the Resume button is there and usable, and nothing has been resumed by showing it.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { showRun } from '../support/handrail-cli.js';
import { otherLoginSuite } from '../support/other-login-ledger.js';
import { expectNoSeriousViolations } from './flows/accessibility.js';
import { openConsole } from './flows/console-page.js';
import { freshContext, launchChromium } from './support/chromium.js';
import { startConsole, type ConsoleProcess } from './support/console-process.js';

const suite = otherLoginSuite('e2e-resume-outlook');
let browser: Browser | undefined;
let server: ConsoleProcess | undefined;

beforeAll(async () => {
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await server?.stop();
  await browser?.close();
});

describe("an interrupted run's page, its lock taken with another ledger login", () => {
  it('says in the resume panel, before Resume is pressed, which lock a resume here would leave held', { timeout: 120_000 }, async () => {
    const { id, lockId, again } = await suite.crashedThenRelogged('op_a2', 'alice');
    server = await startConsole(again);
    const context = await freshContext(browser as Browser);
    const problems: string[] = [];
    try {
      const page = await context.newPage();
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      await openConsole(page, server.url);
      await page.goto(`${server.origin}/#/run/${encodeURIComponent(id)}`);
      const panel = page.getByRole('region', { name: 'Resume this run' });
      const note = panel.getByRole('alert').filter({ hasText: lockId });
      await note.waitFor();
      const text = (await note.textContent()) ?? '';
      expect(text).toContain('will stay held after a resume here');
      expect(text).toContain(`team lock ${lockId} on lite (${suite.key()}) was taken by run ${id} with ledger login op_a`);
      expect(text).toContain('reaches the ledger as op_a2, which is not a lead');
      expect(text).toContain(`handrail team unlock ${lockId} --note`);
      expect(text).toContain('GRANT handrail_lead TO op_a2;');
      const resume = panel.getByRole('button', { name: 'Resume run' });
      expect(await resume.isEnabled()).toBe(true);
      // Shown, not done: the run is still interrupted and its lock still held.
      expect(showRun(id, again).run.status).toBe('interrupted');
      expect(await suite.stillHeld(lockId)).toBe(true);
      await expectNoSeriousViolations(page, 'resume panel with a lock it would leave');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
