// The contract's zod schemas, which the page needs only to check pushed events and error
// answers. Building them (and zod itself) was a third of the first bundle's execution, and
// the Runbooks view's first answers are not parsed, so they load after the first screen:
// a moment after the first screen is shown, when the page is idle, or at once when an event or
// an error arrives first. (Loaded while the page waits for its first answers, they would delay them.)
import type * as Contract from '../../../src/contract/api.js';

let loading: Promise<typeof Contract> | undefined;
/** How long after the first screen the page waits before building them unasked. */
const SETTLE_MS = 1500;

export function contractSchemas(): Promise<typeof Contract> {
  loading ??= import('../../../src/contract/api.js');
  return loading;
}

/** Starts loading them once the first screen is settled (data-app-state no longer "loading") and the page has nothing better to do. */
export function loadContractSchemasWhenIdle(): void {
  const root = document.documentElement;
  const start = () => void contractSchemas().catch(() => undefined);
  // Building the schemas holds the page's only thread for a frame or more: not in the moments
  // after the first screen appears, when the operator's first click or key must answer.
  const whenIdle = () =>
    window.setTimeout(() => {
      if (typeof window.requestIdleCallback === 'function') window.requestIdleCallback(start, { timeout: 2000 });
      else start();
    }, SETTLE_MS);
  if (root.dataset['appState'] !== 'loading') {
    whenIdle();
    return;
  }
  const watch = new MutationObserver(() => {
    if (root.dataset['appState'] === 'loading') return;
    watch.disconnect();
    whenIdle();
  });
  watch.observe(root, { attributes: true, attributeFilter: ['data-app-state'] });
}
