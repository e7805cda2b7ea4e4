// Recordings kept in the data directory, unsaved ones first: a recording interrupted by a
// crash or a closed window is reopened from here.
import type { RecordingSummary } from '../../../../src/contract/api.js';
import { ErrorAlert } from '../../components/error-alert.js';
import { formatTime } from '../../lib/format.js';
import { href } from '../../lib/routes.js';

export function RecordingList({ recordings, error }: { recordings: readonly RecordingSummary[] | undefined; error: string | null }) {
  return (
    <div className="panel">
      <h2>Recordings</h2>
      <ErrorAlert error={error} title="The recordings could not be listed." />
      {recordings && recordings.length === 0 ? <p className="muted">No recordings yet.</p> : null}
      {recordings && recordings.length > 0 ? (
        <table className="table compact" aria-label="Recordings">
          <thead>
            <tr>
              <th scope="col">Title</th>
              <th scope="col">Where</th>
              <th scope="col">Steps</th>
              <th scope="col">Last change</th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {recordings.map((r) => (
              <tr key={r.id}>
                <td>
                  <a href={href.recording(r.id)}>{r.title}</a>
                </td>
                <td>
                  {r.environment} · <code>{r.target}</code>
                </td>
                <td>{r.steps}</td>
                <td>{formatTime(r.updatedAt)}</td>
                <td>{r.savedPath ? <span className="small">saved as <code>{r.savedPath}</code></span> : <span className="tag tag-info">unsaved</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}
