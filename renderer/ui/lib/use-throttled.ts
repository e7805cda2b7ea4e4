import { useCallback, useEffect, useRef } from 'react';

/**
 * `action`, called at most once per `ms`: a burst of `run-changed` events (a step moving
 * through its states) becomes one reload instead of one per event, and the last event of
 * a burst is never lost.
 */
export function useThrottled(action: () => void, ms: number): () => void {
  const latest = useRef(action);
  latest.current = action;
  const timer = useRef<number | null>(null);
  useEffect(
    () => () => {
      if (timer.current !== null) window.clearTimeout(timer.current);
    },
    [],
  );
  return useCallback(() => {
    if (timer.current !== null) return;
    timer.current = window.setTimeout(() => {
      timer.current = null;
      latest.current();
    }, ms);
  }, [ms]);
}
