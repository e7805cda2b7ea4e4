// An author pastes a shell script into Import script: the draft opens in the editor (not
// saved), its destructive command flagged; the author gives each step its target, guided
// by the problems, and saves it as a new runbook, which the CLI then finds valid.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { openConsole } from './console-page.js';
import type { Flow } from './flow.js';

const SCRIPT = `#!/bin/sh
# Clear the app's cache.
set -e
# Show what is there
ls /var/lib/handrail-e2e-app
# Remove the old cache
rm -rf /var/lib/handrail-e2e-app/cache
`;

export const importScript: Flow = {
  name: 'a pasted shell script opens in the editor as a draft, its destructive step flagged, and is saved as a runbook',
  workspace: () => ({ files: { 'handrail.yml': 'environments:\n  local-demo:\n    targets:\n      app: local\n' } }),
  async run(page, ctx) {
    await openConsole(page, ctx.url);
    await page.getByRole('button', { name: 'Import…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Import a shell script' });
    await dialog.getByLabel('Shell script').fill(SCRIPT);
    await dialog.getByLabel('Script name').fill('clear-cache.sh');
    await dialog.getByRole('button', { name: 'Import', exact: true }).click();

    await page.getByRole('heading', { level: 1, name: 'New runbook' }).waitFor();
    expect(await page.getByLabel('File name').inputValue()).toBe('clear-cache.md');
    await page.getByRole('note').filter({ hasText: /rm -rf/ }).waitFor();
    const preview = page.getByRole('region', { name: 'Preview of the steps' });
    await preview.getByRole('listitem').filter({ hasText: 'rm -rf' }).getByText('asks before running').waitFor();

    // The draft says what the author must fill in: a target on each step.
    const problems = page.getByRole('region', { name: 'Problems' });
    await problems.getByRole('status').filter({ hasText: /^\d+ errors?$/ }).waitFor();
    const missing = problems.getByRole('button', { name: /this sh step has no target/ });
    for (let left = await missing.count(); left > 0; left--) {
      await missing.first().click();
      // The cursor is on the fence line; add the target inside its braces, or give it braces.
      const fence = (await page.locator('.cm-activeLine').innerText()).trimEnd();
      await page.keyboard.press('End');
      if (fence.endsWith('}')) {
        await page.keyboard.press('ArrowLeft');
        await page.keyboard.insertText(' target=app');
      } else {
        await page.keyboard.insertText(' {target=app}');
      }
      await expect.poll(() => missing.count()).toBe(left - 1);
    }
    await problems.getByRole('status').filter({ hasText: /^(no problems|\d+ warnings?)$/ }).waitFor();

    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Edit clear-cache' }).waitFor();
    await page.getByRole('status').filter({ hasText: 'Saved version 1.0.0 as clear-cache.md.' }).waitFor();
    const saved = readFileSync(join(ctx.workspace, 'clear-cache.md'), 'utf8');
    expect(saved).toMatch(/```sh \{confirm target=app\}\nrm -rf \/var\/lib\/handrail-e2e-app\/cache\n```/);
    expect(ctx.cli(['validate', join(ctx.workspace, 'clear-cache.md')]).code).toBe(0);
  },
};
