// The lead's view: runs by date, narrowed by operator, runbook, environment, status, incident or
// full-text search; the chain's integrity on top; the whole trail exportable.
import { useMemo, useState } from 'react';
import { RunStatus } from '../../../../src/contract/run.js';
import { useClient, useConnection } from '../../api/api-context.js';
import { ErrorAlert } from '../../components/error-alert.js';
import { PageHeading } from '../../components/page-heading.js';
import { href, navigate } from '../../lib/routes.js';
import { RUN_STATUS } from '../../lib/status.js';
import { useDebounced } from '../../lib/use-debounced.js';
import { useLoad } from '../../lib/use-load.js';
import { AuditBadge } from './audit-badge.js';
import { ExportControl } from './export-control.js';
import { RunsList } from './runs-list.js';
import { TeamRuns, type TeamFilters } from './team-runs.js';
import { useRunPages, type RunQuery } from './use-run-pages.js';

export function AuditView({ scope }: { scope: 'local' | 'team' }) {
  const client = useClient();
  const { reconnects } = useConnection();
  const info = useLoad(() => client.appInfo({}), [reconnects]);
  const environments = useLoad(() => client.listEnvironments({}), []);
  const runbooks = useLoad(() => client.listRunbooks({}), []);
  const [operator, setOperator] = useState('');
  const [runbook, setRunbook] = useState('');
  const [environment, setEnvironment] = useState('');
  const [status, setStatus] = useState('');
  const [text, setText] = useState('');
  const [incident, setIncident] = useState('');
  const typed = useDebounced({ operator, runbook, text, incident }, 250);

  const query = useMemo<RunQuery>(() => {
    const q: RunQuery = {};
    if (typed.operator.trim()) q.operator = typed.operator.trim();
    if (typed.runbook.trim()) q.runbook = typed.runbook.trim();
    if (environment) q.environment = environment;
    const parsedStatus = RunStatus.safeParse(status);
    if (parsedStatus.success) q.status = parsedStatus.data;
    if (typed.text.trim()) q.text = typed.text.trim();
    if (typed.incident.trim()) q.incident = typed.incident.trim();
    return q;
  }, [typed, environment, status]);
  const teamFilters = useMemo<TeamFilters>(() => {
    const f: TeamFilters = {};
    if (query.operator) f.operator = query.operator;
    if (query.runbook) f.runbook = query.runbook;
    if (query.environment) f.environment = query.environment;
    return f;
  }, [query]);

  return (
    <section className="view">
      <PageHeading>Audit</PageHeading>
      <AuditBadge initial={info.data?.audit} />
      <form className="filters" aria-label="Filter runs" onSubmit={(e) => e.preventDefault()}>
        <label className="field">
          <span className="field-label">Scope</span>
          {/* This machine's data folder, or every machine's runs from the team ledger: in the URL, so Back from a team run returns to the team's list. */}
          <select value={scope} onChange={(e) => navigate(e.target.value === 'team' ? href.team() : href.audit())}>
            <option value="local">this machine</option>
            <option value="team">team ledger</option>
          </select>
        </label>
        <label className="field" hidden={scope === 'team'}>
          <span className="field-label">Search</span>
          <input type="search" value={text} onChange={(e) => setText(e.target.value)} placeholder="events and output" />
        </label>
        <label className="field">
          <span className="field-label">Operator</span>
          <input type="text" value={operator} onChange={(e) => setOperator(e.target.value)} />
        </label>
        <label className="field">
          <span className="field-label">Runbook</span>
          <input type="text" list="audit-runbook-ids" value={runbook} onChange={(e) => setRunbook(e.target.value)} />
          <datalist id="audit-runbook-ids">
            {(runbooks.data?.runbooks ?? []).map((r) => (
              <option key={r.id} value={r.id} />
            ))}
          </datalist>
        </label>
        <label className="field" hidden={scope === 'team'}>
          <span className="field-label">Incident</span>
          <input type="text" value={incident} onChange={(e) => setIncident(e.target.value)} />
        </label>
        <label className="field">
          <span className="field-label">Environment</span>
          <select value={environment} onChange={(e) => setEnvironment(e.target.value)}>
            <option value="">any</option>
            {(environments.data?.environments ?? []).map((env) => (
              <option key={env.name} value={env.name}>
                {env.name}
              </option>
            ))}
          </select>
        </label>
        <label className="field" hidden={scope === 'team'}>
          <span className="field-label">Status</span>
          <select value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">any</option>
            {RunStatus.options.map((s) => (
              <option key={s} value={s}>
                {RUN_STATUS[s].label}
              </option>
            ))}
          </select>
        </label>
      </form>
      {scope === 'team' ? <TeamRuns filters={teamFilters} /> : <LocalRuns query={query} reconnects={reconnects} />}
      <h2>Export the whole trail</h2>
      <ExportControl />
    </section>
  );
}

/** This data folder's runs, a page at a time as they scroll into view. */
function LocalRuns({ query, reconnects }: { query: RunQuery; reconnects: number }) {
  const pages = useRunPages(query, reconnects);
  const filtered = Object.keys(query).length > 0;
  return (
    <>
      <ErrorAlert error={pages.error} title="The runs could not be listed." />
      <p className="muted" role="status">
        {pages.total === null ? 'Loading runs…' : countText(pages.total, filtered)}
      </p>
      {pages.total !== null && pages.total > 0 ? <RunsList pages={pages} /> : null}
      {pages.total === 0 ? <p className="empty">{filtered ? 'No run matches these filters.' : 'No runs yet. Start one from Runbooks.'}</p> : null}
    </>
  );
}

function countText(total: number, filtered: boolean): string {
  const runs = `${total.toLocaleString('en-US')} ${total === 1 ? 'run' : 'runs'}`;
  if (!filtered) return runs;
  return `${runs} ${total === 1 ? 'matches' : 'match'}`;
}
