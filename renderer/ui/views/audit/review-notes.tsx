// A lead's review notes on a run. Each note is itself an audit event.
import { useState } from 'react';
import type { RunDetail } from '../../../../src/contract/api.js';
import { useClient } from '../../api/api-context.js';
import { ErrorAlert } from '../../components/error-alert.js';
import { formatTime } from '../../lib/format.js';
import { useAction } from '../../lib/use-action.js';

export function ReviewNotes({ detail, onAdded }: { detail: RunDetail; onAdded: () => void }) {
  const client = useClient();
  const [note, setNote] = useState('');
  const { run: add, busy, error } = useAction(async () => {
    await client.reviewRun({ runId: detail.run.id, note: note.trim() });
    setNote('');
    onAdded();
  });

  return (
    <section className="panel" aria-label="Review notes">
      <h2>Review notes</h2>
      {detail.reviews.length === 0 ? <p className="muted">Not reviewed yet.</p> : null}
      <ul className="reviews">
        {detail.reviews.map((r) => (
          <li key={r.seq}>
            <div className="small muted">
              {r.reviewer} · {formatTime(r.at)} · event {r.seq}
            </div>
            <p>{r.note}</p>
          </li>
        ))}
      </ul>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (note.trim()) void add();
        }}
      >
        <label className="field">
          <span className="field-label">Review note</span>
          <textarea value={note} onChange={(e) => setNote(e.target.value)} rows={3} />
        </label>
        <button type="submit" className="button" disabled={busy || !note.trim()}>
          Add review note
        </button>
      </form>
      <ErrorAlert error={error} title="The note was not added." />
    </section>
  );
}
