// A console on a data folder that has not seen the workspace shows the Runbooks view at once,
// each runbook named from its front matter and marked as being checked, and then, without the
// operator doing anything, the judged list: steps counted and problems shown.
import type { BrowserContext, Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, removeDir } from '../support/temp-dir.js';
import { browserPerFile } from './support/browser-per-file.js';
import { freshContext } from './support/chromium.js';
import { startConsole, type ConsoleProcess } from './support/console-process.js';
import { writeWorkspace } from './support/workspace.js';

const INVENTORY = 'environments:\n  staging:\n    targets:\n      app: local\n      db: {sqlite: ./app.db}\n';
const runbook = (id: string, target: string) =>
  `---\nid: ${id}\ntitle: "Check ${id}"\nversion: 1.0.0\nowner: ops\n---\n\n# Check\n\n## Look\n\n\`\`\`sh {target=${target}}\necho ok | grep -c ok\n\`\`\`\n\n## Count\n\n\`\`\`sql {target=db}\nSELECT count(*) FROM sqlite_master WHERE type = 'table';\n\`\`\`\n`;

const chromium = browserPerFile();
let root: string;
let server: ConsoleProcess;
let context: BrowserContext;
let page: Page;
const problems: string[] = [];

beforeEach(async () => {
  root = await makeTempDir('e2e-runbooks-judging');
  const files: Record<string, string> = { 'handrail.yml': INVENTORY, 'flawed.md': runbook('flawed', 'nowhere') };
  for (let i = 0; i < 12; i++) files[`check-${i}.md`] = runbook(`check-${i}`, 'app');
  writeWorkspace(`${root}/ws`, files);
  // The page first, then the console, opened at once: its judging starts 300 ms after it has
  // listed the runbooks from their front matter, so the first screen always finds them unjudged.
  context = await freshContext(chromium.browser);
  page = await context.newPage();
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  server = await startConsole({ dataDir: `${root}/data`, workspace: `${root}/ws` });
}, 60_000);

afterEach(async () => {
  await context?.close();
  await server?.stop();
  await removeDir(root);
  expect(problems).toEqual([]);
});

describe('the Runbooks view of a workspace this data folder has not seen', () => {
  it('lists every runbook at once as being checked, then shows their steps and problems', { timeout: 60_000 }, async () => {
    // What the first list painted showed, noted by the page itself the moment it appeared (the
    // judging that follows can be quicker than a look from outside).
    await page.addInitScript({
      content: `(() => {
        const watch = new MutationObserver(() => {
          if (window.firstList || !document.querySelector('table.runbook-table')) return;
          window.firstList = {
            rows: document.querySelectorAll('a.runbook-link').length,
            checking: [...document.querySelectorAll('td')].filter((cell) => cell.textContent.includes('being checked…')).length,
            problems: document.querySelectorAll('.problem-row').length,
          };
          watch.disconnect();
        });
        watch.observe(document, { subtree: true, childList: true });
      })();`,
    });
    await page.goto(`${server.url}#/runbooks`);
    await page.waitForSelector('html[data-app-state="ready"]');
    // The first screen: titles from the front matter, nothing judged yet, no problem claimed.
    expect(await page.evaluate(() => (globalThis as { firstList?: unknown }).firstList)).toEqual({ rows: 13, checking: 13, problems: 0 });

    // Then the judged list, with no click: the flawed runbook's problem and every step count.
    await page.getByText('being checked…').first().waitFor({ state: 'detached', timeout: 30_000 });
    await page.locator('.problem-row').getByText(/target 'nowhere'/).waitFor();
    expect(await page.getByText('2 steps').count()).toBe(13);
    expect(await page.getByRole('link', { name: 'Check flawed' }).count()).toBe(1);
  });
});
