// Saving the recording as runbook 1.0.0 in the workspace (never over an existing file). A
// step flagged destructive that no longer asks before it runs must be acknowledged here;
// after saving, the runbook's problems (if any) and a way to run it.
import { useState } from 'react';
import type { Problem } from '../../../../src/contract/problem.js';
import type { RecordingDraft } from '../../../../src/contract/api.js';
import { useClient } from '../../api/api-context.js';
import { ErrorAlert } from '../../components/error-alert.js';
import { useAction } from '../../lib/use-action.js';
import { href } from '../../lib/routes.js';
import { ProblemList } from '../runbooks/problem-list.js';
import { Field } from './field.js';
import { suggestedFileName } from './shell-targets.js';

interface Saved {
  path: string;
  id: string;
  problems: Problem[];
}

export function SaveRecordingPanel({ draft, busy, beforeSave, onSaved }: { draft: RecordingDraft; busy: boolean; beforeSave: () => Promise<void>; onSaved: (path: string) => void }) {
  const client = useClient();
  const [fileName, setFileName] = useState<string | null>(null);
  const [acknowledged, setAcknowledged] = useState<ReadonlySet<string>>(new Set());
  const [saved, setSaved] = useState<Saved | null>(null);

  const path = fileName ?? suggestedFileName(draft.title);
  const unreviewed = draft.steps.map((s, i) => ({ s, i })).filter(({ s }) => s.destructive.length > 0 && !s.confirm);
  const blocked = unreviewed.some(({ s }) => !acknowledged.has(s.id));

  const {
    run: save,
    busy: saving,
    error,
  } = useAction(async () => {
    await beforeSave();
    const ack = unreviewed.filter(({ s }) => acknowledged.has(s.id)).map(({ i }) => i);
    const result = await client.saveRecording({ draftId: draft.id, path, acknowledged: ack });
    setSaved(result);
    onSaved(result.path);
  });

  if (saved) {
    const errors = saved.problems.filter((p) => p.severity === 'error').length;
    return (
      <section className="panel recorder-saved" aria-label="Saved runbook">
        <h2>Saved</h2>
        <p role="status">
          Saved as <code>{saved.path}</code>: runbook <code>{saved.id}</code>, version 1.0.0.{' '}
          {errors === 0 ? 'It is valid.' : `It has ${errors} problem${errors === 1 ? '' : 's'} to fix before it can run.`}
        </p>
        {saved.problems.length > 0 ? <ProblemList problems={saved.problems} /> : null}
        <div className="actions">
          <a className="button primary" href={href.runbook(saved.id)}>
            Run it
          </a>
          <a className="button" href={href.record()}>
            Record another
          </a>
        </div>
      </section>
    );
  }

  if (draft.savedPath) {
    return (
      <section className="panel" aria-label="Saved runbook">
        <p>
          This recording was saved as <code>{draft.savedPath}</code>. Change that runbook in the editor, or <a href={href.record()}>record another</a>.
        </p>
      </section>
    );
  }

  return (
    <form
      className="panel recorder-save"
      aria-label="Save as a runbook"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <h2>Save as a runbook</h2>
      <Field
        label="File name"
        help={
          <>
            In the workspace, e.g. <code>db/rotate-keys.md</code>. An existing file is never overwritten.
          </>
        }
      >
        {({ id, describedBy }) => <input id={id} aria-describedby={describedBy} type="text" value={path} onChange={(e) => setFileName(e.target.value)} spellCheck={false} />}
      </Field>
      {unreviewed.length > 0 ? (
        <fieldset className="recorder-acknowledge">
          <legend>These steps look destructive and would run without asking:</legend>
          {unreviewed.map(({ s, i }) => (
            <label key={s.id} className="field-inline">
              <input
                type="checkbox"
                checked={acknowledged.has(s.id)}
                onChange={(e) => {
                  const next = new Set(acknowledged);
                  if (e.target.checked) next.add(s.id);
                  else next.delete(s.id);
                  setAcknowledged(next);
                }}
              />{' '}
              I reviewed step {i + 1} ({s.title}); it may run without asking
            </label>
          ))}
        </fieldset>
      ) : null}
      <ErrorAlert error={error} title="The runbook was not saved." />
      <div className="actions">
        <button type="submit" className="button primary" disabled={draft.steps.length === 0 || blocked || busy || saving || path.trim() === ''}>
          Save runbook
        </button>
        {draft.steps.length === 0 ? <span className="hint">Run at least one command first.</span> : null}
        {blocked ? <span className="hint">Mark the flagged steps confirm, or acknowledge them.</span> : null}
        {busy ? <span className="hint">Wait for the command to finish.</span> : null}
      </div>
    </form>
  );
}
