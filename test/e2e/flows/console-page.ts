// How the flows find things on the console: accessible roles and names, the way a person
// (or a screen reader) finds them, and waits on what the page shows, never on the clock.
import type { Locator, Page } from 'playwright-core';

/** Opens the console and waits until its first view has its data. */
export async function openConsole(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.locator('html[data-app-state="ready"]').waitFor({ state: 'attached' });
}

export function decision(page: Page): Locator {
  return page.getByRole('region', { name: 'Decision needed' });
}

/** Waits until the engine asks about step `n` (1-based). */
export async function waitForPrompt(page: Page, n: number): Promise<Locator> {
  const panel = decision(page);
  await panel.getByRole('heading', { name: new RegExp(`Step ${n}:`) }).waitFor();
  return panel;
}

/** Waits for the question on step `n`, then presses `button` in the decision panel. */
export async function answer(page: Page, n: number, button: string): Promise<void> {
  const panel = await waitForPrompt(page, n);
  await panel.getByRole('button', { name: button, exact: true }).click();
}

/** The run's outcome line, once the run is over. */
export async function waitForOutcome(page: Page, words: RegExp): Promise<Locator> {
  const outcome = page.getByRole('status').filter({ hasText: words });
  await outcome.waitFor();
  return outcome;
}

/** The text a step's terminal shows, once it contains `expected`. */
export async function terminalText(page: Page, stepNumber: number, expected: RegExp): Promise<string> {
  const terminal = page.getByRole('region', { name: `Output of step ${stepNumber}` });
  // xterm.js does not draw while off screen; an operator scrolls to it, so does this.
  await terminal.scrollIntoViewIfNeeded();
  const rows = terminal.locator('.xterm-rows');
  await rows.filter({ hasText: expected }).waitFor();
  return rows.innerText();
}

/** Selects a step in the Run view's step list. */
export async function selectStep(page: Page, title: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Steps' }).getByRole('button', { name: new RegExp(title) }).click();
}

export const SHA256 = /\b[0-9a-f]{64}\b/;
