// A departing engineer records a handover: in local-demo on the app host, two commands run
// for real with live output and become steps; one gets a note and is marked safe to repeat;
// the runbook is saved into the workspace as 1.0.0 and then run to success from there.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { answer, openConsole, waitForOutcome } from './console-page.js';
import type { Flow } from './flow.js';

const MARKER = 'handover-marker-42';

export const recordAndRun: Flow = {
  name: 'two commands are recorded in the app, saved as a runbook, and the runbook runs',
  // The runbook is written into the workspace, so the flow gets its own copy of the demo.
  workspace: () => ({ copyDemo: true, files: {} }),
  async run(page, ctx) {
    await openConsole(page, ctx.url);
    await page.getByRole('link', { name: 'Record', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Record a runbook' }).waitFor();
    await page.getByLabel('Environment').selectOption('local-demo');
    await page.getByLabel('Target').selectOption('app');
    await page.getByLabel('Title', { exact: true }).fill('Probe the app host');
    await page.getByRole('button', { name: 'Start recording' }).click();
    await page.getByRole('heading', { level: 1, name: 'Recording: Probe the app host' }).waitFor();

    const steps = page.getByRole('list', { name: 'Recorded steps' });
    const command = page.getByLabel('Command', { exact: true });
    await command.fill(`echo ${MARKER}`);
    await page.getByRole('button', { name: 'Run command' }).click();
    await steps.getByRole('listitem', { name: /^Step 1:/ }).waitFor();
    // The output came live into the terminal, and is kept as the step's example.
    const terminal = page.getByRole('region', { name: 'Live output' });
    await terminal.locator('.xterm-rows').filter({ hasText: MARKER }).waitFor();

    await command.fill('uname -s');
    await command.press('Enter');
    const second = steps.getByRole('listitem', { name: /^Step 2:/ });
    await second.waitFor();
    expect(await second.innerText()).toMatch(/exit 0/);

    await page.getByLabel('Notes for step 1').fill('Proves the shell on the app host answers.');
    await second.getByLabel('Safe to repeat (idempotent)').check();
    await page.getByLabel('Title of step 2').fill('Name the kernel');
    const first = steps.getByRole('listitem', { name: /^Step 1:/ });
    await first.getByText('Example output, as recorded').click();
    expect(await first.locator('.example-output').innerText()).toBe(MARKER);
    // The screenshot shows the view from its top: the command, its output, the first steps.
    await page.evaluate('window.scrollTo(0, 0)');
    await ctx.screenshot('recorder');

    const save = page.getByRole('form', { name: 'Save as a runbook' });
    expect(await save.getByLabel('File name').inputValue()).toBe('probe-the-app-host.md');
    await save.getByRole('button', { name: 'Save runbook' }).click();
    const saved = page.getByRole('region', { name: 'Saved runbook' });
    await saved.getByText('It is valid.').waitFor();

    const file = join(ctx.workspace, 'probe-the-app-host.md');
    expect(existsSync(file)).toBe(true);
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('Proves the shell on the app host answers.');
    expect(text).toContain('## Name the kernel');
    expect(text).toContain('```sh {target=app idempotent}\nuname -s\n```');

    await saved.getByRole('link', { name: 'Run it' }).click();
    await page.getByRole('heading', { level: 1, name: 'Probe the app host' }).waitFor();
    await page.getByLabel('Environment').selectOption('local-demo');
    await page.getByRole('button', { name: 'Start run' }).click();
    await answer(page, 1, 'Run step');
    await answer(page, 2, 'Run step');
    await waitForOutcome(page, /This run finished/);
  },
};
