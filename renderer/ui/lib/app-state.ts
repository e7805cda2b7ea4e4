// `data-app-state` on <html>: `loading` until the first view has its data, then `ready`
// (or `error` when that first load failed). End-to-end tests and the start-up benchmark
// wait on it instead of on the clock. It never goes back: later loads have their own
// indicators.
export type AppState = 'loading' | 'ready' | 'error';

export function markAppState(state: Exclude<AppState, 'loading'>): void {
  const root = document.documentElement;
  if (root.dataset['appState'] === 'ready') return;
  root.dataset['appState'] = state;
}
