// Runs for the Audit list, fetched a page at a time as rows scroll into view, so 100,000
// runs cost one page of memory per screenful, not one huge answer.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ApiRequest, RunListEntry } from '../../../../src/contract/api.js';
import { useClient } from '../../api/api-context.js';
import { errorText } from '../../api/console-transport.js';
import { markAppState } from '../../lib/app-state.js';

export const PAGE_SIZE = 200;

export type RunQuery = Omit<ApiRequest<'listRuns'>, 'offset' | 'limit'>;

export interface RunPages {
  total: number | null;
  rowAt: (index: number) => RunListEntry | undefined;
  ensureRows: (first: number, last: number) => void;
  error: string | null;
}

export function useRunPages(query: RunQuery, reloadKey: number): RunPages {
  const client = useClient();
  const key = JSON.stringify(query) + `#${reloadKey}`;
  const [state, setState] = useState<{ key: string; total: number | null; pages: Record<number, RunListEntry[]>; error: string | null }>({
    key,
    total: null,
    pages: {},
    error: null,
  });
  const requested = useRef(new Set<number>());
  const currentKey = useRef(key);
  // `key` stands for `query` (a new object every render); pages are read with the latest one.
  const latestQuery = useRef(query);
  latestQuery.current = query;

  const loadPage = useCallback(
    (page: number) => {
      if (requested.current.has(page)) return;
      requested.current.add(page);
      client
        .listRuns({ ...latestQuery.current, offset: page * PAGE_SIZE, limit: PAGE_SIZE })
        .then((answer) => {
          if (currentKey.current !== key) return;
          setState((s) => ({ ...s, total: answer.total, pages: { ...s.pages, [page]: answer.runs }, error: null }));
          markAppState('ready');
        })
        .catch((error: unknown) => {
          if (currentKey.current !== key) return;
          requested.current.delete(page);
          setState((s) => ({ ...s, error: errorText(error) }));
          if (page === 0) markAppState('error');
        });
    },
    [key, client],
  );

  useEffect(() => {
    currentKey.current = key;
    requested.current = new Set();
    setState({ key, total: null, pages: {}, error: null });
    loadPage(0);
  }, [key, loadPage]);

  const pages = useMemo(() => (state.key === key ? state.pages : {}), [state.key, state.pages, key]);
  const rowAt = useCallback((index: number) => pages[Math.floor(index / PAGE_SIZE)]?.[index % PAGE_SIZE], [pages]);
  const ensureRows = useCallback(
    (first: number, last: number) => {
      for (let page = Math.floor(first / PAGE_SIZE); page <= Math.floor(last / PAGE_SIZE); page++) loadPage(page);
    },
    [loadPage],
  );
  return { total: state.key === key ? state.total : null, rowAt, ensureRows, error: state.error };
}
