// A newcomer's whole path: find the demo "reset a pilot" runbook, run it in local-demo step
// by step, watch the snapshot get verified before the delete, finish, then find the run in
// the audit with its snapshot and export it as a Markdown report.
import { readFile } from 'node:fs/promises';
import { expect } from 'vitest';
import { expectNoSeriousViolations } from './accessibility.js';
import { SHA256, answer, openConsole, selectStep, terminalText, waitForOutcome, waitForPrompt } from './console-page.js';
import type { Flow } from './flow.js';

export const newcomerDemoRun: Flow = {
  name: 'a newcomer runs the demo reset in local-demo, then finds it in the audit and exports it',
  async run(page, ctx) {
    await openConsole(page, ctx.url);
    const list = page.getByRole('table', { name: 'Runbooks in the workspace' });
    await list.getByRole('link', { name: "Reset a pilot's data" }).waitFor();
    await ctx.screenshot('runbooks');

    // Filter as you type: only the matching runbook stays.
    await page.getByRole('searchbox', { name: 'Filter runbooks' }).fill('reset pilot');
    await list.getByRole('link', { name: 'Deploy a release' }).waitFor({ state: 'detached' });
    await list.getByRole('link', { name: "Reset a pilot's data" }).click();

    await page.getByRole('heading', { level: 1, name: "Reset a pilot's data" }).waitFor();
    await page.getByLabel('Environment').selectOption('local-demo');
    expect(await page.getByLabel('pilot', { exact: true }).inputValue()).toBe('pilot-7');
    await page.getByRole('button', { name: 'Start run' }).click();

    // Step 1 checks the host; its output shows in the terminal.
    await answer(page, 1, 'Run step');
    await waitForPrompt(page, 2);
    await selectStep(page, 'Check that this is a pilot host');
    expect(await terminalText(page, 1, /allowed/)).toMatch(/host: .+ \(allowed\)/);
    // Looking back at step 1 does not hide that step 2 is waiting.
    await page.getByRole('button', { name: 'Go to step 2' }).click();

    await answer(page, 2, 'Run step');
    // Step 3 deletes: Handrail snapshots the events database first.
    const deleteStep = await waitForPrompt(page, 3);
    expect(await page.getByText('changes events — snapshot first').first().isVisible()).toBe(true);
    await deleteStep.getByRole('button', { name: 'Run step', exact: true }).click();
    await answer(page, 4, 'Run step');
    await answer(page, 5, 'Mark done');
    await waitForOutcome(page, /This run finished/);

    await selectStep(page, "Delete the pilot's events");
    const snapshot = page.getByRole('group', { name: 'Snapshots of this step' });
    await snapshot.getByText('Snapshot of events verified').waitFor();
    const snapshotText = await snapshot.innerText();
    expect(snapshotText).toMatch(SHA256);
    expect(snapshotText).toMatch(/\d[\d,]* bytes/);
    await ctx.screenshot('run');
    await expectNoSeriousViolations(page, 'Run');

    // Dark mode follows the system setting, and passes the same checks (contrast included).
    const background = () => page.evaluate('getComputedStyle(document.documentElement).backgroundColor');
    const light = await background();
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await background()).not.toBe(light);
    await expectNoSeriousViolations(page, 'Run (dark)');
    await ctx.screenshot('run-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    expect(await background()).toBe(light);

    // The audit lists the run; its page shows the snapshot and exports a report.
    await page.getByRole('link', { name: 'Audit', exact: true }).click();
    await page.getByText('Audit chain intact').waitFor();
    const row = page.getByRole('list', { name: 'Runs, newest first' }).getByRole('link', { name: /reset-pilot .* local-demo/ });
    await row.waitFor();
    expect(await row.innerText()).toContain('Succeeded');
    await ctx.screenshot('audit');
    await row.click();

    const snapshots = page.getByRole('region', { name: 'Snapshots of this run' });
    await snapshots.getByText('before step 3').waitFor();
    expect(await snapshots.innerText()).toMatch(SHA256);
    await ctx.screenshot('audit-run');

    const exportPanel = page.getByRole('region', { name: 'Export this run' });
    await exportPanel.getByLabel('Format').selectOption('md');
    const [download] = await Promise.all([page.waitForEvent('download'), exportPanel.getByRole('button', { name: 'Export' }).click()]);
    expect(download.suggestedFilename()).toMatch(/\.md$/);
    const report = await readFile(await download.path(), 'utf8');
    expect(report).toContain("Reset a pilot's data");
    expect(report).toMatch(SHA256);
  },
};
