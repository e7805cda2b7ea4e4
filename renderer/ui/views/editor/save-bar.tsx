// Saving: the version bump the author chooses (patch / minor / major; a new runbook keeps
// the version it says), Save — refused by Handrail while the text has errors — and Save as
// draft, which keeps unfinished work in NAME.draft.md.
import { useState } from 'react';
import { ErrorAlert } from '../../components/error-alert.js';
import { useAction } from '../../lib/use-action.js';
import { nextVersion, versionOf, type Bump } from './runbook-text.js';

export interface SaveRequest {
  bump: Bump;
  draft: boolean;
}

const BUMPS: { value: Bump; label: string }[] = [
  { value: 'patch', label: 'patch — wording or a small fix' },
  { value: 'minor', label: 'minor — a step added or changed' },
  { value: 'major', label: 'major — it now does something else' },
];

/** The save state of one editor: what is under way, and the last outcome in words. */
export function useSaving(save: (request: SaveRequest) => Promise<string>) {
  const [bump, setBump] = useState<Bump>('patch');
  const [message, setMessage] = useState<string | null>(null);
  const saving = useAction(async (draft: boolean) => {
    setMessage(null);
    setMessage(await save({ bump, draft }));
  });
  const { busy, error } = saving;
  // A second Save (the keyboard shortcut) while one is under way does nothing.
  async function run(draft: boolean) {
    if (!busy) await saving.run(draft);
  }
  return { bump, setBump, busy, message, error, run };
}

export function SaveBar({
  saving,
  isNew,
  text,
  dirty,
  errors,
  settledBySave = false,
  canSave,
  historyHref,
}: {
  saving: ReturnType<typeof useSaving>;
  isNew: boolean;
  text: string;
  dirty: boolean;
  /** Errors in the current text; undefined while it is being checked. */
  errors: number | undefined;
  /** The text reuses a recorded version; Save's bump gives it a new one. */
  settledBySave?: boolean;
  canSave: boolean;
  historyHref: string | undefined;
}) {
  const current = versionOf(text);
  const next = isNew ? current : nextVersion(current, saving.bump);
  // Save and its message agree: Save is held back exactly while errors remain that it cannot settle.
  const blocked = errors !== undefined && errors > 0;
  return (
    <div className="save-bar">
      <div className="actions">
        {isNew ? (
          <span className="muted">Saved as version {current ?? '(none yet)'}</span>
        ) : (
          <label className="field field-inline">
            <span className="field-label">Version bump</span>
            <select value={saving.bump} onChange={(e) => saving.setBump(e.target.value as Bump)}>
              {BUMPS.map((b) => (
                <option key={b.value} value={b.value}>
                  {b.label}
                </option>
              ))}
            </select>
          </label>
        )}
        {!isNew && current && next ? (
          <span className="muted small">
            {current} → <strong>{next}</strong>
          </span>
        ) : null}
        <button type="button" className="button primary" onClick={() => void saving.run(false)} disabled={saving.busy || !canSave || blocked} aria-keyshortcuts="Control+S Meta+S">
          {saving.busy ? 'Saving…' : 'Save'}
        </button>
        <button type="button" className="button" onClick={() => void saving.run(true)} disabled={saving.busy || !canSave}>
          Save as draft
        </button>
        {dirty ? <span className="tag tag-info">unsaved changes</span> : null}
        {blocked ? (
          <span className="hint" id="save-blocked">
            {errors === 1 ? 'One error' : `${errors} errors`} to fix before saving (or save as a draft)
          </span>
        ) : settledBySave && next ? (
          <span className="hint">
            Version {current} is already recorded with other content: Save records this as {next}.
          </span>
        ) : null}
      </div>
      <ErrorAlert error={saving.error} title="Not saved." />
      {saving.message ? (
        <p role="status" className="alert alert-info">
          {saving.message} {historyHref ? <a href={historyHref}>See the history</a> : null}
        </p>
      ) : null}
    </div>
  );
}
