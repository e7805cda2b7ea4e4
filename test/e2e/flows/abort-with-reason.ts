// A step runs for longer than the operator wants: the step shows how long it has run and
// its time limit; Abort asks for confirmation and a reason (Esc keeps the run going), all by
// keyboard, and the reason is kept in the run.aborted event of the audit trail.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'vitest';
import { answer, openConsole, waitForOutcome, waitForPrompt } from './console-page.js';
import type { Flow } from './flow.js';
import { focusIsIn, tabTo, waitForFocus, waitForFocusIn } from './keyboard.js';

const REASON = 'wrong maintenance window: the customer asked us to wait';

function abortedBodies(dataDir: string): unknown[] {
  const db = new Database(join(dataDir, 'handrail.db'), { readonly: true });
  try {
    const rows = db
      .prepare("SELECT b.body_json FROM audit_events e JOIN audit_bodies b ON b.seq = e.seq WHERE e.kind = 'run.aborted'")
      .all() as { body_json: string }[];
    return rows.map((r) => JSON.parse(r.body_json) as unknown);
  } finally {
    db.close();
  }
}

export const abortWithReason: Flow = {
  name: 'a long step shows its elapsed time and limit, and is aborted by keyboard with a reason',
  workspace: () => ({
    files: {
      'handrail.yml': 'environments:\n  dev:\n    targets: {}\n',
      'slow-step.md': [
        '---',
        'id: slow-step',
        'title: Slow step',
        'version: 1.0.0',
        '---',
        '',
        '## Wait for the batch',
        '',
        '```sh {target=local timeout=10m}',
        'echo "waiting for the batch"',
        'sleep 600',
        '```',
        '',
        '## Report',
        '',
        '```sh {target=local}',
        'echo "never reached"',
        '```',
        '',
      ].join('\n'),
    },
  }),
  async run(page, ctx) {
    await openConsole(page, ctx.url);
    await page.getByRole('link', { name: 'Slow step' }).click();
    await page.getByLabel('Environment').selectOption('dev');
    await page.getByRole('button', { name: 'Start run' }).click();
    await waitForPrompt(page, 1);
    await answer(page, 1, 'Run step');

    const panel = page.getByRole('region', { name: 'Step 1', exact: true });
    const timer = panel.getByRole('timer');
    await timer.waitFor();
    expect(await timer.innerText()).toMatch(/^running for \d+ s of its 10 min time limit$/);
    // With the question answered, focus is on the running step, not the page body.
    await waitForFocus(page, 'Step 1 of 2: Wait for the batch');

    await tabTo(page, /^Abort run…$/);
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Abort this run?' });
    await dialog.waitFor();
    await waitForFocus(page, 'Reason (required, kept in the audit trail)');
    // Esc keeps the run going, and focus goes back to where it was.
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await waitForFocus(page, 'Abort run…');
    expect(await timer.isVisible()).toBe(true);

    await page.keyboard.press('Enter');
    await dialog.waitFor();
    // No reason, no abort: Enter in the empty field does nothing.
    await page.keyboard.press('Enter');
    expect(await dialog.getByRole('button', { name: 'Abort run' }).isDisabled()).toBe(true);
    await page.keyboard.type(REASON);
    await page.keyboard.press('Enter');

    await waitForOutcome(page, /This run was aborted/);
    await waitForFocusIn(page, '[data-focus="outcome"]');
    expect(await focusIsIn(page, '.xterm')).toBe(false);
    expect(abortedBodies(ctx.dataDir)).toEqual([expect.objectContaining({ operatorReason: REASON, reason: expect.stringContaining(REASON) })]);
  },
};
