// What still runs from the run that died, as the resume's refusal carried it: which step,
// where (this machine or its SSH host), which process group, since when, and its command.
// Shown before the page offers to stop it, so nobody stops a command they have not seen.
import type { RunDetail } from '../../../../src/contract/api.js';
import type { RunningLeftover } from '../../../../src/contract/leftover.js';
import { formatTime } from '../../lib/format.js';

export function LeftoverList({ leftovers, detail }: { leftovers: readonly RunningLeftover[]; detail: RunDetail }) {
  return (
    <ul className="leftovers" aria-label="Still running from the run that died">
      {leftovers.map((l) => {
        const title = detail.stepViews[l.idx]?.title;
        return (
          <li key={`${l.host}/${l.pid}`}>
            <p>
              <strong>
                Step {l.idx + 1}
                {title ? ` “${title}”` : ''}
              </strong>{' '}
              is still running {l.remote ? <>on <code>{l.host}</code> (remote process group {l.pid})</> : <>on this machine, <code>{l.host}</code> (process group {l.pid})</>}, since {formatTime(l.startedAt)}.
            </p>
            {l.command !== null ? (
              <figure aria-label={`Step ${l.idx + 1}'s command`}>
                <pre className="command">{l.command}</pre>
              </figure>
            ) : null}
          </li>
        );
      })}
    </ul>
  );
}
