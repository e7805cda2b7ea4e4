// A step fails; the operator skips it with a reason and goes on. The audit shows the skip
// and its reason first, as a deviation.
import { expect } from 'vitest';
import { answer, openConsole, waitForOutcome, waitForPrompt } from './console-page.js';
import type { Flow } from './flow.js';

const REASON = 'cache warm-up is optional during the incident';

export const skipFailedStep: Flow = {
  name: 'a failing step skipped with a reason shows as a deviation in the audit',
  workspace: () => ({
    files: {
      'handrail.yml': 'environments:\n  dev:\n    description: This machine\n    targets: {}\n',
      'warm-cache.md': [
        '---',
        'id: warm-cache',
        'title: Warm the cache',
        'version: 1.0.0',
        'environments: [dev]',
        '---',
        '',
        '## Warm the cache',
        '',
        '```sh {target=local}',
        'echo "warming the cache"',
        'echo "cache server not reachable" >&2',
        'exit 3',
        '```',
        '',
        '## Report',
        '',
        '```sh {target=local}',
        'echo "report written"',
        '```',
        '',
      ].join('\n'),
    },
  }),
  async run(page, ctx) {
    await openConsole(page, ctx.url);
    await page.getByRole('link', { name: 'Warm the cache' }).click();
    await page.getByLabel('Environment').selectOption('dev');
    await page.getByRole('button', { name: 'Start run' }).click();

    await answer(page, 1, 'Run step');
    const failed = await waitForPrompt(page, 1);
    await failed.getByText('This step failed').waitFor();
    await failed.getByRole('button', { name: 'Retry step', exact: true }).waitFor();
    await failed.getByRole('button', { name: 'Skip step', exact: true }).click();
    // A skip needs a reason: the button stays disabled until one is typed.
    const skip = failed.getByRole('button', { name: 'Skip this step' });
    expect(await skip.isDisabled()).toBe(true);
    await failed.getByLabel('Reason').fill(REASON);
    await skip.click();

    await answer(page, 2, 'Run step');
    // Not a plain success: the failure and the skip are counted where the operator looks.
    const outcome = await waitForOutcome(page, /This run finished with 2 deviations/);
    expect(await outcome.innerText()).toContain('Succeeded with deviations (2)');

    await page.getByRole('link', { name: 'Review its deviations in the audit' }).click();
    const deviations = page.getByRole('region', { name: 'Deviations' });
    await deviations.getByText(REASON).waitFor();
    expect(await deviations.innerText()).toMatch(/Step 1/);
    // Deviations come before the steps on the page.
    const order = await page.locator('section[aria-label]').evaluateAll((sections) => sections.map((s) => s.getAttribute('aria-label')));
    expect(order.indexOf('Deviations')).toBeLessThan(order.indexOf('Steps of this run'));
    const step1 = page.getByRole('region', { name: 'Steps of this run' }).getByRole('listitem').first();
    expect(await step1.innerText()).toMatch(/Skipped/);

    // A lead's review note is kept with the run.
    const review = page.getByRole('region', { name: 'Review notes' });
    await review.getByLabel('Review note').fill('Skip was fine: the cache warms itself within the hour.');
    await review.getByRole('button', { name: 'Add review note' }).click();
    const note = review.getByRole('listitem').filter({ hasText: 'Skip was fine' });
    await note.waitFor();
    expect(await note.innerText()).toMatch(/tester/);

    // The audit list narrows by status and by text in the output.
    await page.getByRole('link', { name: 'All runs' }).click();
    const runs = page.getByRole('list', { name: 'Runs, newest first' });
    await runs.getByRole('link', { name: /warm-cache/ }).waitFor();
    await page.getByLabel('Status').selectOption('failed');
    await page.getByText('No run matches these filters.').waitFor();
    await page.getByLabel('Status').selectOption('succeeded');
    await runs.getByRole('link', { name: /warm-cache/ }).waitFor();
    await page.getByLabel('Search').fill('cache server not reachable');
    await page.getByText('1 run match').waitFor();
    await page.getByLabel('Search').fill('no such words anywhere');
    await page.getByText('No run matches these filters.').waitFor();
  },
};
