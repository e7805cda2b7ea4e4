// The contract's zod schemas, which the page needs only to check pushed events and error
// answers. Building them (and zod itself) was a third of the first bundle's execution, and
// the Runbooks view's first answers are not parsed, so they load after the first screen:
// once the first screen is shown and the page is idle, or at once when an event or an error arrives
// first. (Loaded while the page waits for its first answers, they would delay them.)
import type * as Contract from '../../../src/contract/api.js';

let loading: Promise<typeof Contract> | undefined;

export function contractSchemas(): Promise<typeof Contract> {
  loading ??= import('../../../src/contract/api.js');
  return loading;
}

/** Starts loading them once the first screen is settled (data-app-state no longer "loading") and the page has nothing better to do. */
export function loadContractSchemasWhenIdle(): void {
  const root = document.documentElement;
  const start = () => void contractSchemas().catch(() => undefined);
  const whenIdle = () => {
    if (typeof window.requestIdleCallback === 'function') window.requestIdleCallback(start, { timeout: 2000 });
    else window.setTimeout(start, 200);
  };
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
