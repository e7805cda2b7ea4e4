// The first screen's answers, written into the page itself: the Runbooks view and the top bar
// ask for `appInfo` and `listRunbooks` as soon as the page runs, and a call over the socket
// waits for the socket to open and for the answer to come back. Written into index.html,
// they arrive with the page: the first screen needs no call at all. The page takes each one
// once, while its first screen is loading; anything later asks the server (see the
// renderer's page-answers.ts).
import { API } from '../contract/api.js';
import { PAGE_ANSWER_OPS, PAGE_ANSWERS_ID } from '../contract/page-answers.js';
import type { ConsoleBackend } from './wire-binding.js';

/**
 * How long the page's end waits for the answers. The page's scripts run only once the page
 * has ended, so an answer that takes longer (a new data folder judges every runbook first,
 * about a second) would hold the whole console back, where without it the top bar and
 * "Loading runbooks…" show at once. An answer not ready by then is left out, and the page
 * asks for it over the socket; the workspace's listing already under way is reused, not
 * started again.
 */
export const PAGE_ANSWERS_WAIT_MS = 150;

/**
 * A `<script type="application/json">` element with the answers the backend gives within
 * `waitMs`, or '' when it gives none. A call that fails is left out too: the page then asks
 * over the socket and shows the refusal in the server's words, as it would have without this.
 */
export async function pageAnswersElement(backend: ConsoleBackend, waitMs = PAGE_ANSWERS_WAIT_MS): Promise<string> {
  const answers: Record<string, unknown> = {};
  let open = true;
  const answering = PAGE_ANSWER_OPS.map(async (op) => {
    try {
      const method = backend[op] as (this: ConsoleBackend, request: unknown) => Promise<unknown>;
      const value = await method.call(backend, API[op].request.parse({}));
      if (open) answers[op] = value;
    } catch {
      // Left to the socket, which reports it.
    }
  });
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.all(answering), new Promise((resolve) => (timer = setTimeout(resolve, waitMs)))]);
  open = false;
  clearTimeout(timer);
  if (Object.keys(answers).length === 0) return '';
  return `<script type="application/json" id="${PAGE_ANSWERS_ID}">${jsonForHtml(answers)}</script>`;
}

/**
 * JSON that cannot end the element it sits in: runbook titles and summaries are the authors'
 * text, and a title holding `</script>` must stay a title. Every `<`, `>` and `&` is written
 * as a JSON escape (the parsed value is unchanged), and so are the two line separators some
 * parsers treat as line ends.
 */
export function jsonForHtml(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
