// Before Resume is pressed: the team locks that a resume here would leave held, because this
// machine's ledger login did not take them and is not a lead. Asked after the panel shows, in a
// call of its own, so a slow or unreachable ledger never holds up the page or its button; a
// ledger that could not be asked gets one quiet line, not an alarm.
import { useClient } from '../../api/api-context.js';
import { useLoad } from '../../lib/use-load.js';

export function ResumeOutlookNote({ runId }: { runId: string }) {
  const client = useClient();
  const outlook = useLoad(() => client.resumeOutlook({ runId }), [runId]);
  if (outlook.error !== null) return <p className="hint">Could not check the team ledger for locks a resume would leave held: {outlook.error}</p>;
  const data = outlook.data;
  if (!data) return null;
  if (data.unchecked !== undefined) return <p className="hint">{data.unchecked}</p>;
  if (data.locks.length === 0) return null;
  return (
    <div className="alert alert-warn" role="alert">
      <strong>
        {data.locks.length === 1 ? 'A team lock of this run' : 'Team locks of this run'} will stay held after a resume here: this machine's ledger login cannot release{' '}
        {data.locks.length === 1 ? 'it' : 'them'}.
      </strong>
      <ul>
        {data.locks.map((note, i) => (
          <li key={i}>{note}</li>
        ))}
      </ul>
    </div>
  );
}
