// An author pastes an alert runbook (Markdown) into Import, names the target every shell
// step runs on, and gets a draft in the editor with no errors: the page's commands as steps,
// its placeholder as an input, its interactive command as a manual step. Saved, the CLI
// finds it valid.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { openConsole } from './console-page.js';
import type { Flow } from './flow.js';

const PAGE = `# ShopDiskFull

## Meaning

The shop's data disk is over 90% full.

## Diagnosis

1. See how full it is:

   \`\`\`console
   $ df -h /tmp
   Filesystem  Size  Used Avail Use% Mounted on
   tmpfs       2.0G  1.9G  100M  95% /tmp
   \`\`\`

2. Look at the folder of the alert's \`<tenant>\`:

   \`\`\`bash
   ls -la /tmp/<tenant>
   \`\`\`

3. Follow the log while you clean up:

   \`\`\`bash
   tail -f /var/log/shop.log
   \`\`\`
`;

export const importMarkdown: Flow = {
  name: 'a pasted Markdown runbook opens in the editor as a valid draft, with its placeholder an input and its follow-the-log command a manual step',
  workspace: () => ({ files: { 'handrail.yml': 'environments:\n  local-demo:\n    targets:\n      app: local\n' } }),
  async run(page, ctx) {
    await openConsole(page, ctx.url);
    await page.getByRole('button', { name: 'Import…' }).click();
    await page.getByRole('dialog', { name: 'Import a shell script' }).getByLabel('Markdown (.md)').check();
    const dialog = page.getByRole('dialog', { name: 'Import a Markdown runbook' });
    await dialog.getByLabel('Markdown page').fill(PAGE);
    await dialog.getByLabel('Page name').fill('ShopDiskFull.md');
    await dialog.getByLabel('Target for every shell step').fill('app');
    await dialog.getByRole('button', { name: 'Import', exact: true }).click();

    await page.getByRole('heading', { level: 1, name: 'New runbook' }).waitFor();
    expect(await page.getByLabel('File name').inputValue()).toBe('shop-disk-full.md');
    const preview = page.getByRole('region', { name: 'Preview of the steps' });
    const step = (title: RegExp) => preview.getByRole('listitem').filter({ has: page.getByRole('heading', { level: 3, name: title }) });
    await step(/^Step 1: Diagnosis$/).getByText('SH on target app').waitFor();
    await step(/^Step 2: Look at the folder/).getByText('SH on target app').waitFor();
    await step(/^Step 3: Follow the log/).getByText('A manual step').waitFor();
    const problems = page.getByRole('region', { name: 'Problems' });
    await problems.getByRole('status').filter({ hasText: /^(no problems|\d+ warnings?)$/ }).waitFor();

    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Saved version 0.1.0 as shop-disk-full.md.' }).waitFor();
    const saved = readFileSync(join(ctx.workspace, 'shop-disk-full.md'), 'utf8');
    expect(saved).toContain('ls -la /tmp/{{ tenant }}');
    expect(saved).toMatch(/inputs:\n {2}tenant:/);
    expect(ctx.cli(['validate', join(ctx.workspace, 'shop-disk-full.md')]).code).toBe(0);
  },
};
