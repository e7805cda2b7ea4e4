// Loads data for a view and keeps the latest answer only (a slow old answer never
// overwrites a newer one). `primary` loads report the first view's outcome to
// data-app-state.
import { useCallback, useEffect, useRef, useState } from 'react';
import { errorText } from '../api/console-transport.js';
import { markAppState } from './app-state.js';

export interface Loaded<T> {
  data: T | undefined;
  error: string | null;
  loading: boolean;
  reload: () => void;
}

export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[], options: { primary?: boolean } = {}): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const generation = useRef(0);
  const latestLoad = useRef(load);
  latestLoad.current = load;

  useEffect(() => {
    const mine = ++generation.current;
    setLoading(true);
    latestLoad
      .current()
      .then((value) => {
        if (mine !== generation.current) return;
        setData(value);
        setError(null);
        if (options.primary) markAppState('ready');
      })
      .catch((e: unknown) => {
        if (mine !== generation.current) return;
        setError(errorText(e));
        if (options.primary) markAppState('error');
      })
      .finally(() => {
        if (mine === generation.current) setLoading(false);
      });
    // The caller's deps decide when to load again (`load` itself changes every render, and
    // `primary` never changes for a view), so the list cannot be checked statically.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);

  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { data, error, loading, reload };
}
