// The Audit view's team scope paging through a ledger of more runs than a page (a real
// PostgreSQL filled with three machines' signed runs), in Debian's Chromium against
// `handrail serve`: Older reads on from the end of the page shown, Newer goes back, and each
// page holds the runs it should, in order, every one verified.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectLedger } from '../../src/targets/ledger/ledger-connection.js';
import { migrateLedger } from '../../src/targets/ledger/ledger-migrate.js';
import { seedLedger } from '../support/ledger-seed.js';
import { startPostgres, type PgHandle } from '../support/postgres.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';
import { openConsole } from './flows/console-page.js';
import { freshContext, launchChromium } from './support/chromium.js';
import { startConsole, type ConsoleProcess } from './support/console-process.js';

const MACHINES = 3;
const RUNS_EACH = 20;

let root: string;
let pg: PgHandle;
let browser: Browser;
let server: ConsoleProcess;

/** The k-th newest run of the seeded ledger: its runs start machine by machine, round by round. */
function nth(k: number): string {
  const round = RUNS_EACH - 1 - Math.floor(k / MACHINES);
  const machine = MACHINES - 1 - (k % MACHINES);
  return `m${machine}-r${String(round).padStart(7, '0')}`;
}

async function shownRuns(page: Page): Promise<string[]> {
  const cells = page.getByRole('table', { name: 'Team runs, newest first' }).locator('tbody tr td:nth-child(3) div.muted');
  return cells.allTextContents();
}

beforeAll(async () => {
  root = await makeTempDir('e2e-team-pages');
  pg = await startPostgres({ database: 'ledger' });
  const client = await connectLedger({ url: pg.url, password: pg.password }, 'seed');
  try {
    await migrateLedger(client);
    await seedLedger(client, MACHINES, RUNS_EACH);
  } finally {
    await client.end();
  }
  const workspace = join(root, 'workspace');
  mkdirSync(workspace, { recursive: true });
  writeFileSync(join(workspace, 'handrail.yml'), `environments:\n  pilot:\n    targets: {}\nteam:\n  postgres: ${JSON.stringify(pg.url)}\n  password-env: HANDRAIL_LEDGER_PASSWORD\n`);
  browser = await launchChromium();
  server = await startConsole({ dataDir: join(root, 'lead'), workspace, env: { HANDRAIL_OPERATOR: 'lea', HANDRAIL_LEDGER_PASSWORD: pg.password } });
}, 180_000);

afterAll(async () => {
  await server?.stop();
  await browser?.close();
  await pg?.stop();
  if (root) await removeDir(root);
});

describe("the Audit view's team scope, page by page", () => {
  it('pages older and newer through every run, each page the runs it should hold', { timeout: 90_000 }, async () => {
    const context = await freshContext(browser);
    const problems: string[] = [];
    try {
      const page = await context.newPage();
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      await openConsole(page, server.url);
      await page.goto(`${server.origin}/#/audit`);
      await page.getByLabel('Scope').selectOption('team');
      const pager = page.getByRole('navigation', { name: 'Team run pages' });
      const expected = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => nth(from + i));
      await expect.poll(() => pager.textContent()).toMatch(/page 1 of 3/);
      expect(await page.getByRole('status').filter({ hasText: /60 runs on 3 machines/ }).count()).toBe(1);
      await expect.poll(() => shownRuns(page)).toEqual(expected(0, 25));

      await pager.getByRole('button', { name: 'Older' }).click();
      await expect.poll(() => pager.textContent()).toMatch(/page 2 of 3/);
      await expect.poll(() => shownRuns(page)).toEqual(expected(25, 50));
      await pager.getByRole('button', { name: 'Older' }).click();
      await expect.poll(() => pager.textContent()).toMatch(/page 3 of 3/);
      await expect.poll(() => shownRuns(page)).toEqual(expected(50, 60));
      expect(await pager.getByRole('button', { name: 'Older' }).isDisabled()).toBe(true);

      await pager.getByRole('button', { name: 'Newer' }).click();
      await expect.poll(() => pager.textContent()).toMatch(/page 2 of 3/);
      await expect.poll(() => shownRuns(page)).toEqual(expected(25, 50));
      await pager.getByRole('button', { name: 'Newer' }).click();
      await expect.poll(() => pager.textContent()).toMatch(/page 1 of 3/);
      await expect.poll(() => shownRuns(page)).toEqual(expected(0, 25));
      expect(await pager.getByRole('button', { name: 'Newer' }).isDisabled()).toBe(true);
      expect(await page.getByText('does not verify').count()).toBe(0);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
