// `handrail serve` writes the first screen's answers (the top bar's appInfo, the Runbooks
// view's list) into the page, so the first screen needs no call over the socket. They are
// the authors' text inside an HTML page: a title that closes the element must stay a title.
// And they are as old as the page: only the first screen may use them, never a later visit.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CliOptions } from '../support/handrail-cli.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';
import { browserPerFile } from './support/browser-per-file.js';
import { freshContext } from './support/chromium.js';
import { startConsole, type ConsoleProcess } from './support/console-process.js';
import { writeWorkspace } from './support/workspace.js';

const INVENTORY = 'environments:\n  staging:\n    targets:\n      app: local\n';
// Each would run as code, or cut the page's data short, if it were written into the page as it is.
const HOSTILE_TITLE = '</script><script>window.pwned = 1</script><img src=x onerror="window.pwned = 2"> & <!-- \u2028 end';
const runbook = (id: string, title: string) =>
  `---\nid: ${id}\ntitle: ${JSON.stringify(title)}\nversion: 1.0.0\nsummary: "<b>bold</b> </SCRIPT> &amp;"\n---\n\n# Probe\n\n## Look\n\n\`\`\`sh {target=app}\necho ok\n\`\`\`\n`;

const chromium = browserPerFile();
let root: string;
let ws: string;
let server: ConsoleProcess;
let context: BrowserContext;
let page: Page;
let calls: string[];
const problems: string[] = [];

beforeEach(async () => {
  root = await makeTempDir('e2e-page-answers');
  const cli: CliOptions = { dataDir: `${root}/data`, workspace: `${root}/ws` };
  ws = cli.workspace!;
  writeWorkspace(ws, { 'handrail.yml': INVENTORY, 'hostile.md': runbook('hostile', HOSTILE_TITLE) });
  server = await startConsole(cli);
  context = await freshContext(chromium.browser);
  page = await context.newPage();
  calls = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('websocket', (socket) =>
    socket.on('framesent', (frame) => {
      const op = (JSON.parse(String(frame.payload)) as { op?: string }).op;
      if (op) calls.push(op);
    }),
  );
}, 60_000);

afterEach(async () => {
  await context?.close();
  await server?.stop();
  await removeDir(root);
  expect(problems).toEqual([]);
});

async function firstScreen(hash: string): Promise<void> {
  await page.goto(`${server.url}${hash}`);
  await page.waitForSelector('html[data-app-state="ready"]');
}

/**
 * The first screen of a page opened once the workspace was judged: a new data folder judges
 * its runbooks first, and a page asked for meanwhile goes without the list rather than wait.
 */
async function judgedFirstScreen(hash: string): Promise<void> {
  await firstScreen(hash);
  // Listed first from their front matter, the runbooks are judged a moment later.
  await page.getByText('being checked…').first().waitFor({ state: 'detached' });
  calls = [];
  await page.reload();
  await page.waitForSelector('html[data-app-state="ready"]');
}

describe('the answers written into the page', () => {
  it('show a hostile title as text and run none of it', { timeout: 60_000 }, async () => {
    await judgedFirstScreen('#/runbooks');
    expect(await page.locator('a.runbook-link').first().textContent()).toBe(HOSTILE_TITLE);
    expect(await page.getByText('</SCRIPT> &amp;').first().textContent()).toBe('<b>bold</b> </SCRIPT> &amp;');
    expect(await page.evaluate(() => (globalThis as { pwned?: number }).pwned)).toBeUndefined();
    // The page's own data element is gone once read, and no other element was made of the title.
    expect(await page.locator('script:not([src]), img').count()).toBe(0);
  });

  it('make the first screen without a call over the socket', { timeout: 60_000 }, async () => {
    const firstScreenCalls = () => calls.filter((op) => op === 'listRunbooks' || op === 'appInfo');
    await judgedFirstScreen('#/runbooks');
    // A page whose answers were not ready in time asks the socket (see the server's wait): on a
    // loaded machine that can happen once; without the answers in the page it happens always.
    for (let tries = 0; tries < 4 && firstScreenCalls().length > 0; tries++) await judgedFirstScreen('#/runbooks');
    await page.locator('a.runbook-link').first().waitFor();
    expect(firstScreenCalls()).toEqual([]);
  });

  it('are not used by a later visit: a runbook added after the page opened shows', { timeout: 60_000 }, async () => {
    await firstScreen('#/runbooks');
    writeFileSync(join(ws, 'later.md'), runbook('later', 'Added after the page opened'));
    await page.getByRole('link', { name: 'Audit' }).click();
    // The Audit view on screen: the Runbooks view was left, and is opened anew below.
    await page.getByRole('heading', { level: 1, name: /Audit/ }).waitFor();
    await page.getByRole('link', { name: 'Runbooks', exact: true }).click();
    await page.getByRole('link', { name: 'Added after the page opened' }).waitFor();
    expect(calls).toContain('listRunbooks');
  });

  it('are not used when the first screen was another view', { timeout: 60_000 }, async () => {
    // The Snapshots view lists no runbooks: the page's list is left untaken.
    await firstScreen('#/snapshots');
    writeFileSync(join(ws, 'later.md'), runbook('later', 'Added after the page opened'));
    await page.getByRole('link', { name: 'Runbooks', exact: true }).click();
    await page.getByRole('link', { name: 'Added after the page opened' }).waitFor();
  });
});
