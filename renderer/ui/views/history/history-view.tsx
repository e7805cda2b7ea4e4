// A runbook's versions (#/history/ID): every content saved, recorded, imported or run, with
// why, who and when; and what changed between two of them, side by side and as a unified
// diff (the same text `handrail diff` prints).
import { useEffect, useMemo, useState } from 'react';
import type { RunbookVersionEntry } from '../../../../src/contract/api.js';
import { useClient } from '../../api/api-context.js';
import { ErrorAlert } from '../../components/error-alert.js';
import { PageHeading } from '../../components/page-heading.js';
import { formatTime } from '../../lib/format.js';
import { href } from '../../lib/routes.js';
import { useLoad } from '../../lib/use-load.js';
import { MergeDiff } from './merge-diff.js';
import { UnifiedDiff } from './unified-diff.js';
import './history.css';

/** runbookDiff's name for the file as it is in the workspace now. */
const WORKSPACE = 'workspace';

const WHY: Record<RunbookVersionEntry['reason'], string> = {
  saved: 'saved',
  run: 'run',
  imported: 'imported',
  recorded: 'recorded',
  seen: 'kept before a save',
};

export function HistoryView({ id }: { id: string }) {
  const client = useClient();
  const history = useLoad(() => client.runbookHistory({ id }), [id], { primary: true });
  const versions = history.data?.versions ?? [];
  const choices = useMemo(() => [...new Set((history.data?.versions ?? []).map((v) => v.version))], [history.data]);
  const [from, setFrom] = useState<string | undefined>(undefined);
  const [to, setTo] = useState<string | undefined>(undefined);

  // Newest against the one before it; a single version against the file as it is now.
  useEffect(() => {
    if (!history.data || from !== undefined) return;
    setTo(choices[0] ?? WORKSPACE);
    setFrom(choices[1] ?? choices[0] ?? WORKSPACE);
  }, [history.data, from, choices]);

  const diff = useLoad(() => (from && to ? client.runbookDiff({ id, from, to }) : Promise.resolve(undefined)), [id, from, to]);
  const label = (v: string | undefined) => (v === WORKSPACE ? 'the file now' : `version ${v ?? ''}`);

  return (
    <section className="view history-view">
      <p className="breadcrumb">
        <a href={href.runbooks()}>← All runbooks</a>
        {' · '}
        <a href={href.runbook(id)}>Run setup</a>
        {' · '}
        <a href={href.edit(id)}>Edit</a>
      </p>
      <PageHeading>History of {id}</PageHeading>
      <ErrorAlert error={history.error} title="The history could not be read." />
      {history.loading && !history.data ? <p className="muted">Loading versions…</p> : null}
      {history.data ? (
        versions.length === 0 ? (
          <p className="empty">No version of {id} is recorded yet: a version is recorded when it is saved, recorded, imported or run.</p>
        ) : (
          <table className="table compact history-table">
            <caption className="visually-hidden">Versions of {id}, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Version</th>
                <th scope="col">Why</th>
                <th scope="col">By</th>
                <th scope="col">When</th>
                <th scope="col">SHA-256</th>
              </tr>
            </thead>
            <tbody>
              {versions.map((v) => (
                <tr key={v.sha256}>
                  <td>{v.version}</td>
                  <td>{WHY[v.reason]}</td>
                  <td>{v.recordedBy}</td>
                  <td>{formatTime(v.recordedAt)}</td>
                  <td>
                    <code title={v.sha256}>{v.sha256.slice(0, 12)}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      ) : null}
      {history.data ? (
        <section className="panel" aria-label="Compare versions">
          <h2>Compare</h2>
          <div className="actions">
            <VersionSelect label="From version" value={from} choices={choices} onChange={setFrom} />
            <VersionSelect label="To version" value={to} choices={choices} onChange={setTo} />
          </div>
          <ErrorAlert error={diff.error} title="The versions could not be compared." />
          {diff.data ? (
            <>
              <p className="muted">
                {diff.data.unified.includes('\n@@') ? `What changed from ${label(from)} (left) to ${label(to)} (right):` : `${label(from)} and ${label(to)} are the same.`}
              </p>
              <MergeDiff before={diff.data.from.text} after={diff.data.to.text} beforeLabel={label(from)} afterLabel={label(to)} />
              <UnifiedDiff text={diff.data.unified} />
            </>
          ) : diff.loading ? (
            <p className="muted">Comparing…</p>
          ) : null}
        </section>
      ) : null}
    </section>
  );
}

function VersionSelect({ label, value, choices, onChange }: { label: string; value: string | undefined; choices: readonly string[]; onChange: (v: string) => void }) {
  return (
    <label className="field field-inline">
      <span className="field-label">{label}</span>
      <select value={value ?? ''} onChange={(e) => onChange(e.target.value)}>
        {choices.map((v) => (
          <option key={v} value={v}>
            {v}
          </option>
        ))}
        <option value={WORKSPACE}>the file now (workspace)</option>
      </select>
    </label>
  );
}
