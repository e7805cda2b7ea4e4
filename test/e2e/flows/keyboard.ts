// Driving the console with the keyboard only, as an operator without a mouse does: Tab
// until the wanted control has focus (so the test also proves it is in the Tab order), and
// reading what has focus after each action. (Page-side code is written as strings: the
// tests are type-checked without the DOM library.)
import type { Page } from 'playwright-core';

/** The little of the DOM these helpers read (the tests are type-checked without the DOM library). */
interface FocusedElement {
  getAttribute(name: string): string | null;
  closest(selector: string): unknown;
  labels?: ArrayLike<{ textContent: string | null }> | null;
  innerText?: string;
  textContent: string | null;
}
type PageGlobals = { document: { activeElement: FocusedElement | null; body: unknown } };

/**
 * The focused element's name as a person hears it: its aria-label, its label, or its text;
 * with `wanted`, whether it is that name. Runs in the page (self-contained for that reason).
 */
function nameOfFocused(wanted?: string): string | boolean {
  const { document } = globalThis as unknown as PageGlobals;
  const el = document.activeElement;
  const label = el?.labels?.[0]?.textContent ?? null;
  const name = !el || el === document.body ? '(page body)' : (el.getAttribute('aria-label') ?? label ?? el.innerText ?? el.textContent ?? '').trim().replace(/\s+/g, ' ');
  return wanted === undefined ? name : name === wanted;
}

/** Whether focus is inside an element matching `selector`. Runs in the page. */
function focusInside(selector: string): boolean {
  const { document } = globalThis as unknown as PageGlobals;
  return document.activeElement !== null && document.activeElement.closest(selector) !== null;
}

export async function focusedName(page: Page): Promise<string> {
  return String(await page.evaluate(nameOfFocused, undefined));
}

/** Waits until the element named `name` has focus (moved there by the console, not by the test). */
export async function waitForFocus(page: Page, name: string): Promise<void> {
  try {
    // A function, not a string: a string would be eval'd in the page, which its CSP refuses.
    await page.waitForFunction(nameOfFocused, name);
  } catch (error) {
    throw new Error(`focus never reached "${name}"; it is on "${await focusedName(page)}"`, { cause: error });
  }
}

export function focusIsIn(page: Page, selector: string): Promise<boolean> {
  return page.evaluate(focusInside, selector);
}

/** Waits until focus is inside an element matching `selector`. */
export async function waitForFocusIn(page: Page, selector: string): Promise<void> {
  await page.waitForFunction(focusInside, selector);
}

/**
 * Presses Tab (Shift+Tab with `back`) until the focused element's name matches, or fails
 * after `max` presses with the names it went through.
 */
export async function tabTo(page: Page, name: RegExp, { back = false, max = 80 }: { back?: boolean; max?: number } = {}): Promise<void> {
  const seen: string[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    const now = await focusedName(page);
    if (name.test(now)) return;
    seen.push(now);
  }
  throw new Error(`${back ? 'Shift+Tab' : 'Tab'} never reached ${name} in ${max} presses; focus went through: ${seen.join(' | ')}`);
}
