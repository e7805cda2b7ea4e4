// Before a run: pick the environment, fill the inputs, read the steps, start. An alert link
// fills the form in (lib/alert-link.ts); it never starts the run, the operator does.
import { useEffect, useMemo, useState } from 'react';
import { incidentProblem } from '../../../../src/contract/incident.js';
import { useClient } from '../../api/api-context.js';
import { ErrorAlert } from '../../components/error-alert.js';
import { useAction } from '../../lib/use-action.js';
import { PageHeading } from '../../components/page-heading.js';
import { ProtectedBanner } from '../../components/protected-banner.js';
import { Prose } from '../../components/markdown.js';
import { fillFromLink, parseLinkValues, withoutSecrets } from '../../lib/alert-link.js';
import { initialValue, inputProblem } from '../../lib/input-values.js';
import { href, navigate } from '../../lib/routes.js';
import { useLoad } from '../../lib/use-load.js';
import { EnvironmentPicker, EnvironmentTargets } from './environment-picker.js';
import { InputsForm } from './inputs-form.js';
import { PlanPreview } from './plan-preview.js';
import { ProblemList } from './problem-list.js';
import { StepsPreview } from './steps-preview.js';

export function RunSetupView({ id, link }: { id: string; link?: string | undefined }) {
  const client = useClient();
  const runbook = useLoad(() => client.getRunbook({ id }), [id], { primary: true });
  const environments = useLoad(() => client.listEnvironments({}), []);
  // null: not touched yet, so the link's value (or the default) stands.
  const [chosen, setEnvironment] = useState<string | null>(null);
  const [edited, setEdited] = useState<Record<string, string>>({});
  const [approval, setApproval] = useState('');
  // Typed, never chosen: the only way past an approval or a team lock that cannot be had now (recorded as a deviation).
  const [breakGlass, setBreakGlass] = useState('');
  const [typedIncident, setIncident] = useState<string | null>(null);

  const detail = runbook.data;
  const fill = useMemo(
    () => (link !== undefined && detail && environments.data ? fillFromLink(parseLinkValues(link), detail.inputs, environments.data.environments) : undefined),
    [link, detail, environments.data],
  );
  // A secret the link carried is not used, and not left in the address bar either.
  useEffect(() => {
    const kept = link !== undefined && detail ? withoutSecrets(link, detail.inputs) : null;
    if (kept !== null) window.history.replaceState(window.history.state, '', `${href.runbook(id)}${kept ? `?${kept}` : ''}`);
  }, [link, detail, id]);
  const environment = chosen ?? fill?.environment ?? '';
  const incident = typedIncident ?? fill?.incident ?? '';
  const incidentInvalid = incident === '' ? null : incidentProblem(incident);
  const env = environments.data?.environments.find((e) => e.name === environment);
  const allowed = detail?.summary.environments;
  const values: Record<string, string> = {};
  for (const [name, declaration] of Object.entries(detail?.inputs ?? {})) values[name] = edited[name] ?? fill?.inputs[name] ?? initialValue(declaration);
  const invalid = incidentInvalid !== null || Object.entries(detail?.inputs ?? {}).some(([name, declaration]) => inputProblem(declaration, values[name] ?? '') !== null);
  const errors = detail?.problemList.filter((p) => p.severity === 'error') ?? [];

  const {
    run: start,
    busy: starting,
    error: startError,
  } = useAction(async () => {
    const { runId } = await client.startRun({ runbook: id, environment, inputs: values, ...(incident !== '' ? { incident } : {}), ...(approval.trim() !== '' ? { approval } : {}), ...(breakGlass.trim() !== '' ? { breakGlass } : {}) });
    navigate(href.run(runId));
  });

  return (
    <section className="view">
      {env?.protected ? <ProtectedBanner environment={env.name} /> : null}
      <p className="breadcrumb">
        <a href={href.runbooks()}>← All runbooks</a>
        {' · '}
        <a href={href.edit(id)}>Edit</a>
        {' · '}
        <a href={href.history(id)}>History</a>
      </p>
      <PageHeading>{detail ? detail.summary.title : id}</PageHeading>
      <ErrorAlert error={runbook.error} title="This runbook could not be opened." />
      {detail ? (
        <>
          <p className="meta">
            <code>{detail.summary.id}</code> · version {detail.summary.version}
            {detail.summary.owner ? ` · owner ${detail.summary.owner}` : ''} · {detail.steps.length} steps · allowed in{' '}
            {allowed?.join(', ') ?? 'any environment'}
          </p>
          {detail.summary.summary ? <Prose text={detail.summary.summary} /> : null}
          {detail.problemList.length > 0 ? (
            <div className={errors.length > 0 ? 'alert alert-error' : 'alert alert-warn'}>
              <strong className="alert-title">{errors.length > 0 ? 'This runbook has problems; Handrail will not run it until they are fixed.' : 'Warnings:'}</strong>
              <ProblemList problems={detail.problemList} />
            </div>
          ) : null}
          <div className="setup">
            <form
              className="panel setup-form"
              aria-label="Start a run"
              onSubmit={(e) => {
                e.preventDefault();
                void start();
              }}
            >
              <h2>Start a run</h2>
              {fill ? <LinkNotes notes={fill.notes} /> : null}
              <ErrorAlert error={environments.error} title="The environments could not be listed." />
              <EnvironmentPicker environments={environments.data?.environments ?? []} allowed={allowed} value={environment} onChange={setEnvironment} />
              {env && allowed && !allowed.includes(env.name) ? (
                <p className="alert alert-warn">
                  This runbook names only {allowed.join(', ')}. Handrail will refuse to start it in {env.name}.
                </p>
              ) : null}
              {env ? <EnvironmentTargets environment={env} /> : null}
              <IncidentField value={incident} problem={incidentInvalid} onChange={setIncident} />
              <h3>Inputs</h3>
              <InputsForm inputs={detail.inputs} values={values} onChange={(name, value) => setEdited((prev) => ({ ...prev, [name]: value }))} />
              <details className="approval-field" open={approval !== ''}>
                <summary>Approval, for an environment that requires one</summary>
                <label>
                  Paste the approval an approver sent you: the PLAN.sig file <code>handrail approve</code> wrote for the plan shown here.
                  <textarea value={approval} rows={6} spellCheck={false} onChange={(e) => setApproval(e.target.value)} />
                </label>
              </details>
              <details className="break-glass-field" open={breakGlass !== ''}>
                <summary>Break-glass, in an incident</summary>
                <label>
                  Only when a required approval, or the team ledger's lock, cannot be had now: type why. It waives those two guards and nothing
                  else, and is recorded as a deviation that leads every report.
                  <input type="text" value={breakGlass} maxLength={1000} spellCheck={false} onChange={(e) => setBreakGlass(e.target.value)} />
                </label>
              </details>
              <ErrorAlert error={startError} title="The run was not started." />
              <div className="actions">
                <button type="submit" className="button primary" disabled={!environment || invalid || starting}>
                  Start run
                </button>
                {!environment ? <span className="hint">Choose an environment first.</span> : null}
                {environment && invalid ? <span className="hint">Fix the fields marked ✗ first.</span> : null}
                {starting ? <span className="hint">Starting…</span> : null}
              </div>
            </form>
            <div className="panel">
              {environment && !invalid ? (
                <PlanPreview runbook={id} environment={environment} inputs={values} />
              ) : (
                <>
                  <h2>Steps</h2>
                  <StepsPreview steps={detail.steps} />
                </>
              )}
            </div>
          </div>
        </>
      ) : null}
    </section>
  );
}

/** Says where the values came from, and what the link gave that the form did not take. */
function LinkNotes({ notes }: { notes: readonly string[] }) {
  return (
    <div className="alert alert-info" role="note" aria-label="Filled in from a link">
      <strong className="alert-title">Filled in from a link.</strong> Check every value below, then press Start run: nothing runs until you do.
      {notes.length > 0 ? (
        <ul className="link-notes">
          {notes.map((note) => (
            <li key={note}>{note}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/** The incident or ticket the run is for: kept with the run, in its audit trail and reports. */
function IncidentField({ value, problem, onChange }: { value: string; problem: string | null; onChange: (value: string) => void }) {
  return (
    <div className="field">
      <label htmlFor="run-incident" className="field-label">
        Incident or ticket
      </label>
      <input
        id="run-incident"
        type="text"
        autoComplete="off"
        spellCheck={false}
        value={value}
        aria-invalid={problem !== null}
        aria-describedby="run-incident-help"
        onChange={(e) => onChange(e.target.value)}
      />
      <div id="run-incident-help" className="field-help">
        <span>Optional: the incident id this run is for (kept with the run and in its reports).</span>
        {problem ? (
          <span className="field-problem" role="status">
            {' '}
            ✗ {problem[0]?.toUpperCase()}
            {problem.slice(1)}.
          </span>
        ) : null}
      </div>
    </div>
  );
}
