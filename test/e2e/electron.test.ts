// The same end-to-end flows as browser.test.ts, in the desktop app through Playwright's
// `_electron`: the real main process, preload, IPC guard and service process. Each flow
// gets a fresh data directory and a fresh Chromium profile. Where no Electron runtime is
// installed (npm could not download it), the suite is skipped and says why.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { _electron, type ElectronApplication } from 'playwright-core';
import { beforeAll, describe, it } from 'vitest';
import { HOW_TO_GET_ELECTRON, electronRuntime } from '../../scripts/electron-runtime.mjs';
import { onProcessExit } from '../support/exit-cleanup.js';
import { ROOT } from '../support/handrail-cli.js';
import { removeDir } from '../support/temp-dir.js';
import { flows } from './flows/index.js';
import { ensureRendererBuilt } from './support/renderer-build.js';
import { flowFolders } from './support/workspace.js';

const runtime = electronRuntime();
/** Why the desktop app cannot run here, or null when it can. */
const unavailable =
  'missing' in runtime
    ? `the Electron runtime is not installed (${runtime.missing}); ${HOW_TO_GET_ELECTRON} to run these`
    : process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY
      ? 'there is no display (DISPLAY is unset); run the tests under xvfb-run to include the desktop app'
      : null;
if (unavailable) process.stdout.write(`test/e2e/electron.test.ts: desktop-app flows skipped: ${unavailable}.\n`);

const FAILURES = join(ROOT, 'test-results/e2e-electron');

describe.skipIf(unavailable !== null)('desktop app (Electron through Playwright)', () => {
  beforeAll(async () => {
    await ensureRendererBuilt();
    for (const script of ['scripts/build-electron.mjs', 'scripts/rebuild-electron-native.mjs']) {
      const result = spawnSync(process.execPath, [join(ROOT, script)], { cwd: ROOT, encoding: 'utf8' });
      if (result.status !== 0) throw new Error(`${script} failed:\n${result.stdout}${result.stderr}`);
    }
  }, 300_000);

  for (const flow of flows) {
    it(flow.name, { timeout: 120_000 }, async () => {
      const { root, dataDir, workspace, tools } = await flowFolders(flow, 'e2e-app');
      let app: ElectronApplication | undefined;
      let forget = () => {};
      try {
        const prepared = flow.prepare ? await flow.prepare({ dataDir, workspace, ...tools }) : {};
        app = await launchApp({ dataDir, workspace, profile: join(root, 'profile') });
        const launched = app;
        forget = onProcessExit(() => launched.process().kill('SIGKILL'));
        const page = await app.firstWindow();
        await flow.run(page, {
          url: 'app://handrail/index.html',
          origin: 'app://handrail',
          dataDir,
          workspace,
          ...tools,
          prepared,
          // browser.test.ts saves the README's screenshots; one set is enough.
          screenshot: async () => {},
        });
      } catch (error) {
        const page = app?.windows()[0];
        if (page && error instanceof Error) {
          const shot = join(FAILURES, `${flow.name.replace(/[^a-z0-9]+/gi, '-')}.png`);
          mkdirSync(FAILURES, { recursive: true });
          await page.screenshot({ path: shot }).catch(() => undefined);
          error.message += `\n(screenshot of the window: ${shot})`;
        }
        throw error;
      } finally {
        // Quitting lets the service process leave open runs interrupted, as a person closing the window does.
        await app?.close();
        forget();
        await removeDir(root);
      }
    });
  }
});

function launchApp(options: { dataDir: string; workspace: string; profile: string }): Promise<ElectronApplication> {
  const { path } = runtime as { path: string };
  // Chromium refuses to sandbox as root without a setuid helper; the page stays sandboxed by
  // Electron (no Node, isolated preload), only the OS-level layer is off in that case.
  const rootOnly = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
  return _electron.launch({
    executablePath: path,
    args: [...rootOnly, '--disable-gpu', join(ROOT, 'dist/electron/main.js')],
    cwd: ROOT,
    env: {
      ...process.env,
      HANDRAIL_DATA_DIR: options.dataDir,
      HANDRAIL_WORKSPACE: options.workspace,
      HANDRAIL_OPERATOR: 'tester',
      HANDRAIL_ELECTRON_USER_DATA: options.profile,
    },
  });
}
