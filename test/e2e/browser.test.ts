// The console's end-to-end flows in Debian's Chromium against `handrail serve`: each flow
// gets a fresh data directory (and its own workspace when it needs one), a fresh browser
// context, and a console process of its own. With UPDATE_SCREENSHOTS=1, screenshots of each
// view are rewritten in docs/screenshots/ for the README; without it they are left alone, so
// a test run never leaves the git tree dirty.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/handrail-cli.js';
import { removeDir } from '../support/temp-dir.js';
import { flows } from './flows/index.js';
import { browserPerFile } from './support/browser-per-file.js';
import { freshContext } from './support/chromium.js';
import { startConsole, type ConsoleProcess } from './support/console-process.js';
import { flowFolders } from './support/workspace.js';

const SCREENSHOTS = join(ROOT, 'docs/screenshots');
const UPDATE_SCREENSHOTS = process.env['UPDATE_SCREENSHOTS'] === '1';
/** Where a failed flow leaves a picture of the page (git-ignored). */
const FAILURES = join(ROOT, 'test-results/e2e');

const chromium = browserPerFile();

describe('browser console (handrail serve + Chromium)', () => {
  for (const flow of flows) {
    it(flow.name, { timeout: 90_000 }, async () => {
      const { root, dataDir, workspace, cli, tools } = await flowFolders(flow, 'e2e');
      let server: ConsoleProcess | undefined;
      let context: BrowserContext | undefined;
      try {
        const prepared = flow.prepare ? await flow.prepare({ dataDir, workspace, ...tools }) : {};
        server = await startConsole(cli);
        context = await freshContext(chromium.browser);
        const page = await context.newPage();
        // A script error or a CSP refusal is a bug even when the flow still gets through.
        const problems: string[] = [];
        page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
        page.on('console', (message) => {
          if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
        });
        await flow.run(page, {
          url: server.url,
          origin: server.origin,
          dataDir,
          workspace,
          ...tools,
          prepared,
          screenshot: async (name) => {
            if (!UPDATE_SCREENSHOTS) return;
            mkdirSync(SCREENSHOTS, { recursive: true });
            await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
          },
        });
        expect(problems).toEqual([]);
      } catch (error) {
        // What the page showed and what the console printed explain most failures.
        const page = context?.pages()[0];
        if (page) {
          const shot = join(FAILURES, `${flow.name.replace(/[^a-z0-9]+/gi, '-')}.png`);
          mkdirSync(FAILURES, { recursive: true });
          await page.screenshot({ path: shot, fullPage: true }).catch(() => undefined);
          if (error instanceof Error) error.message += `\n(screenshot of the page: ${shot})`;
        }
        if (server && error instanceof Error) error.message += `\n--- handrail serve stderr ---\n${server.stderr()}`;
        throw error;
      } finally {
        await context?.close();
        await server?.stop();
        await removeDir(root);
      }
    });
  }
});
