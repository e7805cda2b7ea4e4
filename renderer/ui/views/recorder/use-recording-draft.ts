// The recording as the author edits it: every change shows at once and is sent to Handrail
// (which writes the draft to disk) — toggles and moves at once, typing after a short pause.
// Sends go one at a time; an answer to an older send never overwrites newer typing.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { RecordingDraft } from '../../../../src/contract/api.js';
import { useClient } from '../../api/api-context.js';
import { errorText } from '../../api/console-transport.js';

const TYPING_PAUSE_MS = 400;

export interface DraftEditing {
  draft: RecordingDraft | undefined;
  /** Shows `next` at once; sends it now, or after a pause in typing when `typing`. */
  edit: (next: RecordingDraft, options?: { typing?: boolean }) => void;
  /** Sends what is pending and waits for it (before running a command or saving). */
  flush: () => Promise<void>;
  /** Takes a draft Handrail answered with (after a command or a save). */
  replace: (draft: RecordingDraft) => void;
  saving: boolean;
  error: string | null;
}

export function useRecordingDraft(initial: RecordingDraft | undefined): DraftEditing {
  const client = useClient();
  const [draft, setDraft] = useState<RecordingDraft | undefined>(initial);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const pending = useRef<RecordingDraft | null>(null);
  const timer = useRef<number | undefined>(undefined);
  const chain = useRef<Promise<void>>(Promise.resolve());
  const generation = useRef(0);

  useEffect(() => {
    if (initial && !draft) setDraft(initial);
  }, [initial, draft]);

  const flush = useCallback((): Promise<void> => {
    window.clearTimeout(timer.current);
    const next = pending.current;
    pending.current = null;
    if (!next) return chain.current;
    const sent = generation.current;
    chain.current = chain.current.then(async () => {
      setSaving(true);
      try {
        const answer = await client.updateRecording({ draftId: next.id, title: next.title, steps: next.steps });
        setError(null);
        if (sent === generation.current) setDraft(answer.draft);
      } catch (e) {
        setError(errorText(e));
        // Show what Handrail kept, not an edit it refused.
        const kept = await client.getRecording({ draftId: next.id }).catch(() => undefined);
        if (kept && sent === generation.current) setDraft(kept.draft);
      } finally {
        setSaving(false);
      }
    });
    return chain.current;
  }, [client]);

  const edit = useCallback(
    (next: RecordingDraft, options: { typing?: boolean } = {}) => {
      generation.current++;
      setDraft(next);
      pending.current = next;
      window.clearTimeout(timer.current);
      if (options.typing) timer.current = window.setTimeout(() => void flush(), TYPING_PAUSE_MS);
      else void flush();
    },
    [flush],
  );

  const replace = useCallback((next: RecordingDraft) => {
    generation.current++;
    setDraft(next);
  }, []);

  // Leaving the view sends what was typed last.
  useEffect(() => () => void flush(), [flush]);

  return { draft, edit, flush, replace, saving, error };
}
