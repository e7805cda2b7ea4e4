// A runbook names the environments it may run in; picking another one is refused by
// Handrail with its reason, and nothing is started.
import { expect } from 'vitest';
import { openConsole } from './console-page.js';
import type { Flow } from './flow.js';

export const refusedEnvironment: Flow = {
  name: 'a run in an environment the runbook does not allow is refused and nothing starts',
  async run(page, ctx) {
    await openConsole(page, ctx.url);
    // The command palette: Ctrl+K, type, Enter.
    await page.keyboard.press('Control+K');
    const palette = page.getByRole('dialog', { name: 'Go to runbook' });
    await palette.getByRole('combobox', { name: 'Runbook title or id' }).fill('reset');
    await palette.getByRole('option', { name: /Reset a pilot's data/ }).waitFor();
    await page.keyboard.press('Enter');
    await palette.waitFor({ state: 'detached' });
    await page.getByRole('heading', { level: 1, name: "Reset a pilot's data" }).waitFor();
    await page.getByLabel('Environment').selectOption('production');
    // The picker says so before anything is sent...
    await page.getByText('Handrail will refuse to start it in production').waitFor();
    await page.getByRole('button', { name: 'Start run' }).click();

    // ...and Handrail refuses it with its reason.
    const alert = page.getByRole('alert').filter({ hasText: 'The run was not started.' });
    await alert.waitFor();
    expect(await alert.innerText()).toMatch(/production/);
    expect(new URL(page.url()).hash).toBe('#/runbooks/reset-pilot');

    const runs = ctx.cli(['runs', '--json']);
    expect(runs.code).toBe(0);
    expect(JSON.parse(runs.stdout)).toEqual([]);
  },
};
