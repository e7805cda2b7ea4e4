// The page checks errors and pushed events against the contract's schemas, which it loads
// only after its first screen: an error that is the very first answer still reaches the
// operator in the server's own words, not as an error "it did not describe".
import type { BrowserContext, Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CliOptions } from '../support/handrail-cli.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';
import { browserPerFile } from './support/browser-per-file.js';
import { freshContext } from './support/chromium.js';
import { startConsole, type ConsoleProcess } from './support/console-process.js';
import { writeWorkspace } from './support/workspace.js';

const RUNBOOK = '---\nid: probe\ntitle: Probe the host\nversion: 1.0.0\n---\n\n# Probe the host\n\n## Look\n\n```sh {target=app}\necho ok\n```\n';
const INVENTORY = 'environments:\n  staging:\n    targets:\n      app: local\n';

const chromium = browserPerFile();
let root: string;
let server: ConsoleProcess;
let context: BrowserContext;
let page: Page;
const problems: string[] = [];

beforeEach(async () => {
  root = await makeTempDir('e2e-first-answers');
  const cli: CliOptions = { dataDir: `${root}/data`, workspace: `${root}/ws` };
  writeWorkspace(cli.workspace!, { 'handrail.yml': INVENTORY, 'probe.md': RUNBOOK });
  server = await startConsole(cli);
  context = await freshContext(chromium.browser);
  page = await context.newPage();
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
}, 60_000);

afterEach(async () => {
  await context?.close();
  await server?.stop();
  await removeDir(root);
  expect(problems).toEqual([]);
});

describe('the first answers of a freshly opened console', () => {
  it('show a refusal that comes first in the server’s words', { timeout: 60_000 }, async () => {
    // Straight to the set-up of a runbook that does not exist: its refusal is the page's first answer.
    await page.goto(`${server.url}#/runbooks/no-such-runbook`);
    const alert = page.getByRole('alert').filter({ hasText: 'This runbook could not be opened.' });
    await alert.waitFor();
    const text = await alert.innerText();
    expect(text).toContain('no-such-runbook');
    expect(text).not.toContain('did not describe');
  });
});
