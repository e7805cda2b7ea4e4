// A snapshot taken before the demo's delete is restored from the Snapshots view: the
// deleted rows are back, and the state before the restore was kept as a snapshot too.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'vitest';
import { expectNoSeriousViolations } from './accessibility.js';
import { SHA256, openConsole } from './console-page.js';
import type { Flow } from './flow.js';

function pilotEvents(dataDir: string): number {
  const db = new Database(join(dataDir, 'demo/events.db'), { readonly: true });
  try {
    const row = db.prepare("SELECT count(*) AS n FROM events WHERE pilot = 'pilot-7'").get() as { n: number };
    return row.n;
  } finally {
    db.close();
  }
}

export const restoreSnapshot: Flow = {
  name: 'a snapshot is restored from the Snapshots view',
  async run(page, ctx) {
    const run = ctx.cli(['run', 'reset-pilot', '--env', 'local-demo', '--yes']);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(pilotEvents(ctx.dataDir)).toBe(0);

    await openConsole(page, ctx.url);
    await page.getByRole('link', { name: 'Snapshots', exact: true }).click();
    const table = page.getByRole('table');
    await table.getByText('before step 3').waitFor();
    await ctx.screenshot('snapshots');
    await expectNoSeriousViolations(page, 'Snapshots');
    await table.getByRole('button', { name: 'Restore', exact: true }).click();

    const dialog = page.getByRole('dialog', { name: 'Restore events in local-demo' });
    // Before the yes: which snapshot (its id, what it was taken before), which target, when,
    // and that the run that changed the database since then is undone too.
    const warning = dialog.getByRole('note').filter({ hasText: 'will be undone' });
    await warning.getByText(/reset-pilot 1\.0\.0, by tester/).waitFor();
    const facts = await dialog.locator('.restore-facts').innerText();
    expect(facts).toMatch(/Snapshot\s+s-\S+, taken before step 3 of run \S+/);
    expect(facts).toMatch(/Target\s+events in local-demo: /);
    expect(facts).toMatch(/Taken\s+\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/);
    expect(await warning.innerText()).toMatch(/^Every change made to this database after \d{4}-\d{2}-\d{2} [\d:]+ will be undone, including what later runs changed in it\./);
    await dialog.getByRole('button', { name: 'Restore snapshot' }).click();
    const result = dialog.getByRole('status');
    await result.getByText('Restored.').waitFor();
    expect(await result.innerText()).toMatch(SHA256);
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'detached' });

    expect(pilotEvents(ctx.dataDir)).toBeGreaterThan(0);
    // The list now also holds the snapshot of the state just before the restore.
    await page.getByRole('table').getByText('before a restore').waitFor();
  },
};
