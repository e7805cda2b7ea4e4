// A whole run with the keyboard only (Tab, Shift+Tab, Enter and typing; no click): start it,
// run a step with Enter, skip a failed step with a reason, pass through the output terminal
// and out again, finish with Enter from the terminal. Focus lands on the next thing to do
// after every answer, never on the page body. The run then reads "Succeeded with
// deviations (2)" on its page, its audit page and the Audit list, and every view passes axe.
import { expect } from 'vitest';
import { expectNoSeriousViolations } from './accessibility.js';
import { decision, openConsole, waitForOutcome, waitForPrompt } from './console-page.js';
import type { Flow } from './flow.js';
import { focusIsIn, focusedName, tabTo, waitForFocus, waitForFocusIn } from './keyboard.js';

const REASON = 'the failing check is known broken; verified by hand';

export const keyboardOnlyRun: Flow = {
  name: 'a run is done with the keyboard only, with a skip, and ends succeeded with deviations',
  workspace: () => ({
    files: {
      'handrail.yml': 'environments:\n  dev:\n    description: This machine\n    targets: {}\n',
      'keyboard-check.md': [
        '---',
        'id: keyboard-check',
        'title: Keyboard check',
        'version: 1.0.0',
        'environments: [dev]',
        '---',
        '',
        '## Say hello',
        '',
        '```sh {target=local}',
        'echo "hello from step one"',
        '```',
        '',
        '## Check the cache',
        '',
        '```sh {target=local}',
        'echo "cache check failed" >&2',
        'exit 3',
        '```',
        '',
        '## Finish',
        '',
        '```sh {target=local timeout=5m}',
        'echo "finished"',
        '```',
        '',
      ].join('\n'),
    },
  }),
  async run(page, ctx) {
    await openConsole(page, ctx.url);
    await page.getByRole('link', { name: 'Keyboard check' }).waitFor();
    await expectNoSeriousViolations(page, 'Runbooks');

    await tabTo(page, /^Keyboard check$/);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Keyboard check' }).waitFor();
    await tabTo(page, /^Environment/);
    await page.keyboard.type('dev');
    expect(await page.getByLabel('Environment').inputValue()).toBe('dev');
    await tabTo(page, /^Start run$/);
    await page.keyboard.press('Enter');

    // The question's primary button has focus as soon as it is asked.
    await waitForPrompt(page, 1);
    await waitForFocus(page, 'Run step');
    await page.keyboard.press('Enter');

    await waitForPrompt(page, 2);
    await waitForFocus(page, 'Run step');
    await page.keyboard.press('Enter');
    await decision(page).getByText('This step failed').waitFor();
    await waitForFocus(page, 'Retry step');
    await tabTo(page, /^Skip step$/);
    await page.keyboard.press('Enter');
    // The reason field takes focus; Enter in it submits the skip, not the primary action.
    await waitForFocus(page, 'Reason');
    await page.keyboard.type(REASON);
    await page.keyboard.press('Enter');

    await waitForPrompt(page, 3);
    await waitForFocus(page, 'Run step');
    // The output terminal is in the Tab order and Tab leaves it again (no trap), so does
    // Shift+Tab; Esc then Tab too. Enter in it answers the question.
    await tabToTerminal(page);
    await page.keyboard.press('Tab');
    expect(await focusIsIn(page, '.xterm')).toBe(false);
    await page.keyboard.press('Shift+Tab');
    expect(await focusIsIn(page, '.xterm')).toBe(true);
    await page.keyboard.press('Shift+Tab');
    expect(await focusIsIn(page, '.xterm')).toBe(false);
    await page.keyboard.press('Tab');
    expect(await focusIsIn(page, '.xterm')).toBe(true);
    await page.keyboard.press('Escape');
    await page.keyboard.press('Tab');
    expect(await focusIsIn(page, '.xterm')).toBe(false);
    await page.keyboard.press('Shift+Tab');
    expect(await focusIsIn(page, '.xterm')).toBe(true);
    await page.keyboard.press('Enter');

    const outcome = await waitForOutcome(page, /This run finished with 2 deviations/);
    expect(await outcome.innerText()).toContain('Succeeded with deviations (2)');
    await waitForFocusIn(page, '[data-focus="outcome"]');
    expect(await page.locator('.run-header .status').innerText()).toContain('Succeeded with deviations (2)');
    await expectNoSeriousViolations(page, 'Run');

    await tabTo(page, /^Review its deviations in the audit$/);
    await page.keyboard.press('Enter');
    await page.getByRole('region', { name: 'Deviations' }).getByText(REASON).waitFor();
    expect(await page.locator('.status-large').innerText()).toContain('Succeeded with deviations (2)');

    await tabTo(page, /All runs$/, { back: true });
    await page.keyboard.press('Enter');
    const row = page.getByRole('list', { name: 'Runs, newest first' }).getByRole('link', { name: /keyboard-check/ });
    await row.waitFor();
    expect(await row.innerText()).toContain('Succeeded with deviations (2)');
    await expectNoSeriousViolations(page, 'Audit');
  },
};

/** Tab until the step's output terminal (xterm's hidden textarea) has focus. */
async function tabToTerminal(page: Parameters<Flow['run']>[0]): Promise<void> {
  for (let i = 0; i < 20; i++) {
    if (await focusIsIn(page, '.xterm')) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached the output terminal; focus is on ${await focusedName(page)}`);
}
