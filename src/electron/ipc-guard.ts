// The gate every IPC request passes in main before anything else sees it: the sender must
// be the top frame of the app's window, showing the app's own page, and the request must
// parse with the operation's schema. Pure, so it is tested without an Electron runtime.
import { API, type ApiError, type ApiName, type ApiParsedRequest } from '../contract/api.js';
import { toApiError } from '../app/console/api-error.js';
import { isAppUrl } from './app-origin.js';

/** What main knows about the frame an IPC request came from. */
export interface RequestSender {
  /** The frame's URL, or null when the frame navigated away or is gone. */
  frameUrl: string | null;
  /** Whether it is the main frame of the app's own window (not an iframe, not another window). */
  isAppMainFrame: boolean;
}

export type GuardResult<N extends ApiName> = { request: ApiParsedRequest<N> } | { error: ApiError };

export function guardRequest<N extends ApiName>(operation: N, sender: RequestSender, raw: unknown): GuardResult<N> {
  if (sender.frameUrl === null || !sender.isAppMainFrame || !isAppUrl(sender.frameUrl)) {
    const from = sender.frameUrl === null ? 'a frame that no longer exists' : `${sender.isAppMainFrame ? 'the page' : 'a frame'} ${JSON.stringify(sender.frameUrl)}`;
    return {
      error: {
        code: 'refused',
        message: `Handrail refused '${operation}' from ${from}: only the app's own window may call it. Nothing was run or changed.`,
      },
    };
  }
  const parsed = API[operation].request.safeParse(raw);
  // Worded as `handrail serve` words it (src/app/console/api-error.ts): one voice for both consoles.
  if (!parsed.success) return { error: toApiError(parsed.error, operation) };
  return { request: parsed.data as ApiParsedRequest<N> };
}
