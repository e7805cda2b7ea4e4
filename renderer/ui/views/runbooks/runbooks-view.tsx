// The default view: every runbook of the workspace with its version, owner and last run,
// filtered as you type, with validation problems inline.
import { useEffect, useMemo, useState } from 'react';
import type { RunbookListItem } from '../../../../src/contract/api.js';
import { useClient, useConsoleEvents } from '../../api/api-context.js';
import { ErrorAlert } from '../../components/error-alert.js';
import { PageHeading } from '../../components/page-heading.js';
import { StatusBadge } from '../../components/status-badge.js';
import { formatTime } from '../../lib/format.js';
import { href, navigate } from '../../lib/routes.js';
import { verdictLook } from '../../lib/status.js';
import { useLoad } from '../../lib/use-load.js';
import { ImportScriptDialog } from '../editor/import-script-dialog.js';
import { handOver } from '../editor/pending-draft.js';
import { ProblemList } from './problem-list.js';

/** How often a list with runbooks still being checked is asked for again, should their event be missed. */
const JUDGING_RECHECK_MS = 1000;

export function matchesRunbook(item: RunbookListItem, filter: string): boolean {
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
  const haystack = `${item.title} ${item.id} ${item.owner ?? ''} ${item.summary ?? ''} ${(item.environments ?? []).join(' ')}`.toLowerCase();
  return words.every((word) => haystack.includes(word));
}

export function RunbooksView() {
  const client = useClient();
  const { data, error, loading, reload } = useLoad(() => client.listRunbooks({}), [], { primary: true });
  // Runbooks a new data folder has not judged yet are listed at once from their front matter;
  // the server says when their verdicts are in.
  useConsoleEvents((event) => {
    if (event.type === 'runbooks-judged') reload();
  });
  // The event can pass before this page's socket is open (the first list comes written into
  // the page); while some are still being checked, the list is asked for again now and then.
  const judging = data?.runbooks.some((item) => item.judging === true) === true;
  useEffect(() => {
    if (!judging) return undefined;
    const timer = window.setTimeout(reload, JUDGING_RECHECK_MS);
    return () => window.clearTimeout(timer);
  }, [judging, data, reload]);
  const [filter, setFilter] = useState('');
  const [importing, setImporting] = useState(false);
  const shown = useMemo(() => (data?.runbooks ?? []).filter((item) => matchesRunbook(item, filter)), [data, filter]);

  return (
    <section className="view">
      <PageHeading>Runbooks</PageHeading>
      <ErrorAlert error={error} title="The runbooks could not be listed." />
      {data && data.inventoryProblems.length > 0 ? (
        <div className="alert alert-warn">
          <strong className="alert-title">The inventory (handrail.yml) has problems:</strong>
          <ProblemList problems={data.inventoryProblems} />
        </div>
      ) : null}
      <div className="toolbar">
        <label className="field field-inline">
          <span className="field-label">Filter runbooks</span>
          <input type="search" value={filter} onChange={(e) => setFilter(e.target.value)} placeholder="title, id, owner…" autoComplete="off" />
        </label>
        <span className="hint">
          <kbd>Ctrl</kbd>+<kbd>K</kbd> jumps to any runbook
        </span>
        <span className="toolbar-end">
          <a href={href.newRunbook()} className="button">
            New runbook
          </a>{' '}
          <button type="button" className="button" onClick={() => setImporting(true)}>
            Import…
          </button>
        </span>
      </div>
      {importing ? (
        <ImportScriptDialog
          onClose={() => setImporting(false)}
          onImported={(draft) => {
            handOver(draft);
            navigate(href.newRunbook());
          }}
        />
      ) : null}
      {loading && !data ? <p className="muted">Loading runbooks…</p> : null}
      {data ? (
        <table className="table runbook-table">
          <caption className="visually-hidden">Runbooks in the workspace</caption>
          <thead>
            <tr>
              <th scope="col">Runbook</th>
              <th scope="col">Version</th>
              <th scope="col">Owner</th>
              <th scope="col">Environments</th>
              <th scope="col">Last run</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((item) => (
              <RunbookRow key={item.id} item={item} />
            ))}
            {shown.length === 0 ? (
              <tr>
                <td colSpan={5} className="muted">
                  {data.runbooks.length === 0 ? 'This workspace has no runbooks yet.' : `No runbook matches “${filter}”.`}
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

function RunbookRow({ item }: { item: RunbookListItem }) {
  const errors = item.problemList.filter((p) => p.severity === 'error').length;
  return (
    <>
      <tr>
        <td>
          <a href={href.runbook(item.id)} className="runbook-link" id={`runbook-${item.id}`}>
            {item.title}
          </a>
          <div className="muted small">
            <code>{item.id}</code> · {item.judging ? <span className="judging">being checked…</span> : `${item.steps} steps`}
            {errors > 0 ? <span className="tag tag-bad"> {errors === 1 ? '1 problem' : `${errors} problems`}</span> : null}
          </div>
          {item.summary ? <div className="small">{item.summary}</div> : null}
          <div className="row-links small">
            {/* Named "Edit" and "History", described by the runbook's title, so each reads as "Edit, Probe the host". */}
            <a href={href.edit(item.id)} aria-describedby={`runbook-${item.id}`}>
              Edit
            </a>
            {' · '}
            <a href={href.history(item.id)} aria-describedby={`runbook-${item.id}`}>
              History
            </a>
          </div>
        </td>
        <td>{item.version}</td>
        <td>{item.owner ?? '—'}</td>
        <td>{item.environments?.join(', ') ?? 'any'}</td>
        <td>
          {item.lastRun ? (
            <a href={href.auditRun(item.lastRun.id)} className="plain-link">
              <StatusBadge look={verdictLook(item.lastRun.verdict ?? item.lastRun.status, item.lastRun.deviations ?? 0)} />
              <span className="small">
                {' '}
                {item.lastRun.environment} · {formatTime(item.lastRun.startedAt)}
              </span>
            </a>
          ) : (
            <span className="muted">never</span>
          )}
        </td>
      </tr>
      {item.problemList.length > 0 ? (
        <tr className="problem-row">
          <td colSpan={5}>
            <ProblemList problems={item.problemList} />
          </td>
        </tr>
      ) : null}
    </>
  );
}
