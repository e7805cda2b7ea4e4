// The first screen's answers that `handrail serve` writes into the page (src/server/
// page-answers.ts) and the browser console takes (renderer/ui/api/page-answers.ts): which
// calls, and the element that carries them. Constants only, so the page's first bundle does
// not bring in the contract's schemas.
import type { ApiName } from './api.js';

/** What the first screen asks for with an empty request: the top bar and the Runbooks view. */
export const PAGE_ANSWER_OPS = ['appInfo', 'listRunbooks'] as const satisfies readonly ApiName[];

/** The id of the `<script type="application/json">` element that carries them. */
export const PAGE_ANSWERS_ID = 'handrail-page-answers';
