// Something the operator sets off (save, abort, restore, decide…): while it is under way the
// view shows it busy and locks its buttons; when it fails, the error is shown in words and the
// view is usable again. The counterpart of useLoad (use-load.ts), which loads what a view shows.
import { useCallback, useRef, useState } from 'react';
import { errorText } from '../api/console-transport.js';

export interface Action<A extends unknown[]> {
  /** Runs the action; resolves true when it succeeded, false when it failed (the error is in `error`). */
  run: (...args: A) => Promise<boolean>;
  busy: boolean;
  /** What went wrong the last time, or null; cleared when the action runs again. */
  error: string | null;
  setError: (error: string | null) => void;
}

export interface ActionOptions {
  /**
   * Stay busy after success: for an action that closes its own view (a dialog), so its
   * buttons never come back for the moment before it goes.
   */
  busyAfterSuccess?: boolean;
}

export function useAction<A extends unknown[]>(action: (...args: A) => Promise<void>, options: ActionOptions = {}): Action<A> {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // The action reads the props and state of the render that set it off; `run` stays the same function.
  const latest = useRef(action);
  latest.current = action;
  const stayBusy = options.busyAfterSuccess === true;

  const run = useCallback(
    async (...args: A): Promise<boolean> => {
      setBusy(true);
      setError(null);
      try {
        await latest.current(...args);
        if (!stayBusy) setBusy(false);
        return true;
      } catch (e) {
        setError(errorText(e));
        setBusy(false);
        return false;
      }
    },
    [stayBusy],
  );
  return { run, busy, error, setError };
}
