// One Chromium for a test file: launched once the renderer is built, before its first test,
// and closed after its last; each test still opens its own fresh context (chromium.ts).
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchChromium } from './chromium.js';
import { ensureRendererBuilt } from './renderer-build.js';

export function browserPerFile(): { readonly browser: Browser } {
  let browser: Browser | undefined;
  beforeAll(async () => {
    ensureRendererBuilt();
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
  });
  return {
    get browser(): Browser {
      if (!browser) throw new Error('Chromium was not launched: the file has no beforeAll of browserPerFile() before its tests');
      return browser;
    },
  };
}
