// A protected environment is unmistakable (a red banner with its name on every screen of
// the run) and a step that changes it runs only once its name is typed exactly.
import { expect } from 'vitest';
import { decision, openConsole, waitForOutcome, waitForPrompt } from './console-page.js';
import type { Flow } from './flow.js';

const CONFIRM_LABEL = 'Type the environment name to confirm';

export const protectedEnvironment: Flow = {
  name: 'a protected environment shows its banner and needs its name typed before a change',
  // The demo's protected environment (production) is on servers this machine cannot reach,
  // so this flow brings its own: a protected "vault" whose database is a local SQLite file.
  workspace: () => ({
    files: {
      'handrail.yml': [
        'environments:',
        '  vault:',
        '    description: A protected environment on this machine',
        '    protected: true',
        '    targets:',
        '      ledger: { sqlite: "${data_dir}/vault/ledger.db", seed: ./seed.sql }',
        '',
      ].join('\n'),
      'seed.sql': "CREATE TABLE entries (id INTEGER PRIMARY KEY, text TEXT NOT NULL);\nINSERT INTO entries (text) VALUES ('opening balance');\n",
      'close-ledger.md': [
        '---',
        'id: close-ledger',
        'title: Close the ledger',
        'version: 1.0.0',
        'environments: [vault]',
        '---',
        '',
        '## Write the closing entry',
        '',
        'Adds the closing entry to the ledger.',
        '',
        '```sql {target=ledger mutates}',
        "INSERT INTO entries (text) VALUES ('closed');",
        '```',
        '',
      ].join('\n'),
    },
  }),
  async run(page, ctx) {
    await openConsole(page, ctx.url);
    await page.getByRole('link', { name: 'Close the ledger' }).click();
    await page.getByLabel('Environment').selectOption('vault');
    // The banner shows as soon as the environment is picked, before anything runs.
    await page.getByRole('region', { name: 'Protected environment vault' }).waitFor();
    await page.getByRole('button', { name: 'Start run' }).click();

    await waitForPrompt(page, 1);
    await page.getByRole('region', { name: 'Protected environment vault' }).waitFor();
    // Depending on the engine's order the step may first ask for the go-ahead.
    const runStep = decision(page).getByRole('button', { name: 'Run step', exact: true });
    if (await runStep.isVisible()) await runStep.click();

    const typed = decision(page).getByLabel(CONFIRM_LABEL);
    await typed.waitFor();
    const confirm = decision(page).getByRole('button', { name: 'Confirm', exact: true });
    expect(await confirm.isDisabled()).toBe(true);
    await typed.fill('Vault');
    expect(await confirm.isDisabled()).toBe(true);
    await typed.fill('vault');
    await ctx.screenshot('run-protected');
    await confirm.click();

    await waitForOutcome(page, /This run finished/);
    expect(await page.getByRole('region', { name: 'Protected environment vault' }).isVisible()).toBe(true);
    const runs = JSON.parse(ctx.cli(['runs', '--json']).stdout) as { id: string; status: string }[];
    expect(runs.map((r) => r.status)).toEqual(['succeeded']);
    const shown = JSON.parse(ctx.cli(['show', runs[0]?.id ?? '', '--json']).stdout) as { steps: { status: string }[] };
    expect(shown.steps.map((s) => s.status)).toEqual(['succeeded']);
  },
};
