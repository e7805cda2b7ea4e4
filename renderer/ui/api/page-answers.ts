// The first screen's answers that `handrail serve` wrote into the page (src/server/
// page-answers.ts): the top bar's and the Runbooks view's first calls take them instead of
// waiting for the socket. Each is taken once, and only while the first screen is loading:
// an answer is as old as the page, so any later call (a reload, the same view opened again,
// the command palette) asks the server.
import { PAGE_ANSWERS_ID } from '../../../src/contract/page-answers.js';

let answers: Record<string, unknown> | undefined;

function pageAnswers(): Record<string, unknown> {
  if (answers !== undefined) return answers;
  answers = {};
  const element = document.getElementById(PAGE_ANSWERS_ID);
  if (element?.textContent) {
    try {
      const parsed: unknown = JSON.parse(element.textContent);
      if (typeof parsed === 'object' && parsed !== null) answers = parsed as Record<string, unknown>;
    } catch {
      // A page without usable answers asks the server, as it always could.
    }
  }
  element?.remove();
  return answers;
}

/** The page's answer to `op` called with an empty request, once, while the first screen loads. */
export function takePageAnswer(op: string, request: unknown): { value: unknown } | undefined {
  if (document.documentElement.dataset['appState'] !== 'loading') {
    answers = {};
    return undefined;
  }
  const all = pageAnswers();
  if (!(op in all) || typeof request !== 'object' || request === null || Object.keys(request).length > 0) return undefined;
  const value = all[op];
  delete all[op];
  return { value };
}
