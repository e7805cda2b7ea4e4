// An author opens a runbook in the editor, makes a mistake and sees the problem the CLI
// would print (same line:col, same words), fixes it, saves with a minor bump, and finds
// the new version in History with what changed.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { handrail } from '../../support/handrail-cli.js';
import { openConsole } from './console-page.js';
import type { Flow } from './flow.js';

const INVENTORY = `environments:
  local-demo:
    description: This machine
    targets:
      app: local
`;

const PROBE = `---
id: probe
title: Probe the host
version: 1.0.0
environments: [local-demo]
---

# Probe the host

Where are we, and who is there.

## Say hello

\`\`\`sh {target=app}
echo hello
\`\`\`
`;

/** Typed at the end of the runbook: a new step whose fence has an attribute the validator does not know. */
const NEW_STEP = '\n## Say goodbye\n\n```sh {target=app colour=red}\necho bye\n```\n';

export const editRunbook: Flow = {
  name: 'an author fixes the problem the editor shows (as the CLI prints it), saves a minor version and sees it in History',
  workspace: () => ({ files: { 'handrail.yml': INVENTORY, 'probe.md': PROBE } }),
  async run(page, ctx) {
    await openConsole(page, ctx.url);
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: 'Probe the host' }) });
    await row.getByRole('link', { name: 'Edit', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Edit probe' }).waitFor();
    const problems = page.getByRole('region', { name: 'Problems' });
    await problems.getByRole('status').filter({ hasText: /^no problems$/ }).waitFor();

    const source = page.getByRole('textbox', { name: 'Runbook source (Markdown)' });
    await source.click();
    await page.keyboard.press('Control+End');
    await page.keyboard.insertText(NEW_STEP);
    await problems.getByRole('status').filter({ hasText: /^1 error$/ }).waitFor();
    // The save bar and the Save button agree: an error Save cannot settle holds Save back.
    await page.getByText('One error to fix before saving (or save as a draft)').waitFor();
    expect(await page.getByRole('button', { name: 'Save', exact: true }).isDisabled()).toBe(true);
    const shown = (await problems.getByRole('listitem').innerText()).trim();
    expect(shown).toMatch(/^probe\.md:\d+:19: unknown attribute 'colour' \(allowed: target, mutates, /);

    // Saved as a draft, the text as it is in the editor is on disk; it is not a runbook of the workspace yet.
    await page.getByRole('button', { name: 'Save as draft' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved as a draft: probe.draft.md.' }).waitFor();
    const draft = readFileSync(join(ctx.workspace, 'probe.draft.md'), 'utf8');
    expect(draft).toContain(NEW_STEP.trim());
    expect(readFileSync(join(ctx.workspace, 'probe.md'), 'utf8')).toBe(PROBE);
    expect(JSON.parse(ctx.cli(['list', '--json']).stdout)).toEqual([expect.objectContaining({ id: 'probe', path: expect.stringMatching(/probe\.md$/) })]);

    // The CLI on that text, under the same name in a copy of the workspace, prints the very same line.
    const copy = join(ctx.workspace, '..', 'cli-check');
    mkdirSync(copy, { recursive: true });
    writeFileSync(join(copy, 'handrail.yml'), INVENTORY);
    writeFileSync(join(copy, 'probe.md'), draft);
    const cli = handrail(['validate', 'probe.md'], { dataDir: ctx.dataDir, workspace: copy, cwd: copy });
    expect(cli.code).toBe(1);
    expect(cli.stdout.split('\n').slice(0, -2)).toEqual([shown]);
    // The editor marks the place too, and the preview already has the new step.
    await page.locator('.cm-lintRange-error').first().waitFor();
    await page.getByRole('region', { name: 'Preview of the steps' }).getByRole('heading', { name: 'Step 2: Say goodbye' }).waitFor();
    await ctx.screenshot('editor');

    // Choosing the problem puts the cursor on it: delete " colour=red" around it.
    await problems.getByRole('button', { name: shown }).click();
    await page.keyboard.press('Backspace');
    for (let i = 0; i < 'colour=red'.length; i++) await page.keyboard.press('Delete');
    await problems.getByRole('status').filter({ hasText: /^no problems$/ }).waitFor();

    await page.getByLabel('Version bump').selectOption('minor');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Saved version 1.1.0 as probe.md.' }).waitFor();
    const saved = readFileSync(join(ctx.workspace, 'probe.md'), 'utf8');
    expect(saved).toBe(draft.replace('version: 1.0.0', 'version: 1.1.0').replace(' colour=red', ''));
    expect(ctx.cli(['validate', join(ctx.workspace, 'probe.md')]).code).toBe(0);

    // Changed again under 1.1.0, which is recorded with other content: that error is what
    // Save's own bump settles, so the bar says so and Save stays usable (with the minor bump still chosen, it would record 1.2.0).
    await source.click();
    await page.keyboard.press('Control+End');
    await page.keyboard.insertText('\nOne more line of prose.\n');
    await problems.getByText(/version 1\.1\.0 was already recorded; bump the version/).waitFor();
    await page.getByText('Version 1.1.0 is already recorded with other content: Save records this as 1.2.0.').waitFor();
    expect(await page.getByText(/to fix before saving/).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Save', exact: true }).isDisabled()).toBe(false);

    await page.getByRole('link', { name: 'See the history' }).click();
    await page.getByRole('heading', { level: 1, name: 'History of probe' }).waitFor();
    const rows = page.getByRole('table').getByRole('row');
    await rows.nth(2).waitFor();
    expect((await rows.allInnerTexts()).slice(1).map((r) => r.split('\t').slice(0, 3).join(' '))).toEqual(['1.1.0 saved tester', '1.0.0 kept before a save tester']);
    expect(await page.getByLabel('From version').inputValue()).toBe('1.0.0');
    expect(await page.getByLabel('To version').inputValue()).toBe('1.1.0');
    const unified = page.getByRole('region', { name: 'Unified diff' });
    await unified.getByText('+## Say goodbye').waitFor();
    const diff = await unified.innerText();
    expect(diff).toMatch(/^-version: 1\.0\.0$/m);
    expect(diff).toMatch(/^\+version: 1\.1\.0$/m);
    expect(diff).toMatch(/^\+```sh \{target=app\}$/m);
    // Side by side: both versions, the changes marked.
    await page.locator('.cm-mergeView .cm-changedLine').first().waitFor();
    expect(await page.locator('.cm-mergeView .cm-editor').count()).toBe(2);
    await ctx.screenshot('history');
  },
};
