// An axe-core pass over what the page shows now: no serious or critical violation (contrast,
// names, roles, keyboard traps axe can see). axe's source is evaluated through the DevTools
// protocol: page.addScriptTag would add an inline <script>, which the console's
// Content-Security-Policy (script-src 'self') rightly refuses.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { ROOT } from '../../support/handrail-cli.js';

const AXE_SOURCE = readFileSync(join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');

interface AxeResult {
  violations: { id: string; impact: string | null; help: string; nodes: { target: string[]; failureSummary?: string }[] }[];
}

export async function expectNoSeriousViolations(page: Page, view: string): Promise<void> {
  if (!(await page.evaluate("'axe' in window"))) await page.evaluate(AXE_SOURCE);
  const result = (await page.evaluate("axe.run(document, { resultTypes: ['violations'] })")) as AxeResult;
  const serious = result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id} (${v.help}): ${v.nodes.slice(0, 4).map((n) => `${n.target.join(' ')} — ${n.failureSummary ?? ''}`).join('; ')}`);
  expect(serious, `axe-core on the ${view} view`).toEqual([]);
}
