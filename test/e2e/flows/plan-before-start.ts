// Before Start, the run set-up screen shows the plan for the choices made: every step
// resolved (the database file, the input bound), the same plan, to the id, that
// `handrail plan` prints; changing an input changes it; and showing it starts nothing.
import { expect } from 'vitest';
import { expectNoSeriousViolations } from './accessibility.js';
import { openConsole } from './console-page.js';
import type { Flow } from './flow.js';

export const planBeforeStart: Flow = {
  name: 'the run set-up screen shows the plan, the same as handrail plan, before anything starts',
  async run(page, ctx) {
    await openConsole(page, ctx.url);
    await page.getByRole('table', { name: 'Runbooks in the workspace' }).getByRole('link', { name: "Reset a pilot's data" }).click();
    await page.getByRole('heading', { level: 1, name: "Reset a pilot's data" }).waitFor();
    await page.getByLabel('Environment').selectOption('local-demo');

    const planText = page.getByRole('region', { name: 'Plan' }).getByLabel('Plan text');
    await planText.filter({ hasText: ':pilot = "pilot-7"' }).waitFor();
    expect(await planText.innerText()).toContain(`events = sqlite ${ctx.dataDir}/demo/events.db`);

    // Another input, another plan: the one the CLI makes for the same choices.
    await page.getByLabel('pilot', { exact: true }).fill('pilot-9');
    await planText.filter({ hasText: ':pilot = "pilot-9"' }).waitFor();
    const cli = ctx.cli(['plan', 'reset-pilot', '--env', 'local-demo', '--input', 'pilot=pilot-9', '--json']);
    expect(cli.code).toBe(0);
    const fromCli = JSON.parse(cli.stdout) as { id: string; text: string };
    expect(await planText.innerText()).toBe(fromCli.text);
    await page.getByRole('region', { name: 'Plan' }).getByText(`Plan id ${fromCli.id.slice(0, 16)}`).waitFor();

    await expectNoSeriousViolations(page, 'Run set-up with its plan');

    // Reading the plan started nothing.
    expect(JSON.parse(ctx.cli(['runs', '--json']).stdout)).toEqual([]);
  },
};
