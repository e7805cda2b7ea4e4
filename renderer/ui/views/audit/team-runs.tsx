// The Audit view's team scope: every machine's runs as the team ledger holds them, a page at
// a time (the ledger may hold millions of events; the first screen reads one page of runs
// and the few machines, never the whole ledger). A machine whose chain does not verify
// against its pinned key, or whose key changed, is named above the list and on each of its runs.
// A row opens its run's detail (team-run-view.tsx) at a link of its own.
import { useState } from 'react';
import type { TeamRunCursor, TeamRunEntry, TeamRunPage } from '../../../../src/contract/team-views.js';
import { useClient } from '../../api/api-context.js';
import { ErrorAlert } from '../../components/error-alert.js';
import { StatusBadge } from '../../components/status-badge.js';
import { formatTime } from '../../lib/format.js';
import { href, navigate } from '../../lib/routes.js';
import { verdictLook } from '../../lib/status.js';
import { useLoad } from '../../lib/use-load.js';

export const TEAM_PAGE_SIZE = 25;

/**
 * The last page read for each filter, kept for the page's life: coming Back from a run while
 * the ledger does not answer, the list the lead was reading stays under the error rather than
 * vanishing. Never shown in place of an answer, only beside a refusal.
 */
const lastRead = new Map<string, TeamRunPage>();

export interface TeamFilters {
  operator?: string;
  runbook?: string;
  environment?: string;
}

export function TeamRuns({ filters }: { filters: TeamFilters }) {
  const client = useClient();
  // Where each page shown so far starts (the first at the newest run): Older reads on from the
  // end of this page along the ledger's index, Newer goes back one, so an old page of a ledger
  // of millions of events costs what the first does.
  const [starts, setStarts] = useState<(TeamRunCursor | undefined)[]>([undefined]);
  const page = starts.length - 1;
  const after = starts[page];
  const key = JSON.stringify(filters);
  const [shownKey, setShownKey] = useState(key);
  // New filters start again at the newest runs.
  if (shownKey !== key) {
    setShownKey(key);
    setStarts([undefined]);
  }
  const loaded = useLoad(() => client.listTeamRuns({ ...filters, limit: TEAM_PAGE_SIZE, ...(after ? { after } : {}) }), [key, page], { primary: true });
  const readKey = `${key}#${JSON.stringify(after ?? null)}`;
  if (loaded.data) lastRead.set(readKey, loaded.data);
  const data = loaded.data ?? (loaded.error ? lastRead.get(readKey) : undefined);
  const flagged = (data?.machines ?? []).filter((m) => m.problems.length > 0);
  const pages = data ? Math.max(1, Math.ceil(data.total / TEAM_PAGE_SIZE)) : 1;

  return (
    <div className="team-runs">
      <ErrorAlert error={loaded.error} title="The team ledger could not be read." />
      {data ? (
        <p className="muted" role="status">
          {data.total.toLocaleString('en-US')} {data.total === 1 ? 'run' : 'runs'} on {data.machines.length} {data.machines.length === 1 ? 'machine' : 'machines'} in the team
          ledger {data.ledger}
        </p>
      ) : loaded.error ? null : (
        <p className="muted" role="status">
          Loading the team ledger…
        </p>
      )}
      {flagged.length > 0 ? (
        <div className="audit-badge audit-broken" role="alert">
          <strong>Not to be trusted as it stands:</strong>
          <ul className="problems">
            {flagged.map((m) => (
              <li key={m.id}>
                machine {m.name} ({m.id}): {m.problems.join('; ')}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {data && data.runs.length > 0 ? (
        <table className="table compact" aria-label="Team runs, newest first">
          <thead>
            <tr>
              <th scope="col">Started</th>
              <th scope="col">Machine</th>
              <th scope="col">Runbook</th>
              <th scope="col">Environment</th>
              <th scope="col">Operator</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {data.runs.map((run) => (
              <TeamRunRow key={`${run.machineId}/${run.id}`} run={run} />
            ))}
          </tbody>
        </table>
      ) : null}
      {data && data.total === 0 ? <p className="empty">No machine has shipped a run to the team ledger yet.</p> : null}
      {data && pages > 1 ? (
        <nav className="pager" aria-label="Team run pages">
          <button type="button" className="button small" disabled={page === 0} onClick={() => setStarts(starts.slice(0, -1))}>
            Newer
          </button>{' '}
          <span>
            page {page + 1} of {pages.toLocaleString('en-US')}
          </span>{' '}
          <button type="button" className="button small" disabled={page + 1 >= pages || !data.next} onClick={() => data.next && setStarts([...starts, data.next])}>
            Older
          </button>
        </nav>
      ) : null}
    </div>
  );
}

/** A click anywhere on the row opens the run; its id is the link, so Enter on it does too. */
function TeamRunRow({ run }: { run: TeamRunEntry }) {
  const to = href.teamRun(run.machineId, run.id);
  return (
    <tr
      className="clickable-row"
      onClick={(event) => {
        if (!(event.target as HTMLElement).closest('a')) navigate(to);
      }}
    >
      <td>{formatTime(run.startedAt)}</td>
      <td>{run.machine}</td>
      <td>
        <strong>{run.runbookId}</strong> <span className="muted">{run.runbookVersion}</span>
        <div className="muted">
          <a href={to}>{run.id}</a>
        </div>
      </td>
      <td>{run.environment}</td>
      <td>{run.operator}</td>
      <td>
        <StatusBadge look={verdictLook(run.verdict, run.deviations)} />
        {run.problems.length > 0 ? (
          <strong className="bad" title={run.problems.join('\n')}>
            {' '}
            ⚠ does not verify
          </strong>
        ) : null}
      </td>
    </tr>
  );
}
