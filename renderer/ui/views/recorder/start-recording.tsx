// Starting a recording: the environment, the shell target the commands run on, the title.
// A protected environment's name must be typed: every recorded command runs there for real.
import { useState } from 'react';
import { useClient, useConnection } from '../../api/api-context.js';
import { ErrorAlert } from '../../components/error-alert.js';
import { useAction } from '../../lib/use-action.js';
import { PageHeading } from '../../components/page-heading.js';
import { ProtectedBanner } from '../../components/protected-banner.js';
import { href, navigate } from '../../lib/routes.js';
import { useLoad } from '../../lib/use-load.js';
import { EnvironmentPicker } from '../runbooks/environment-picker.js';
import { Field } from './field.js';
import { RecordingList } from './recording-list.js';
import { shellTargets } from './shell-targets.js';

export function StartRecording() {
  const client = useClient();
  const { reconnects } = useConnection();
  const environments = useLoad(() => client.listEnvironments({}), [reconnects], { primary: true });
  const recordings = useLoad(() => client.listRecordings({}), [reconnects]);
  const [environment, setEnvironment] = useState('');
  const [target, setTarget] = useState('');
  const [title, setTitle] = useState('');
  const [typed, setTyped] = useState('');

  const env = environments.data?.environments.find((e) => e.name === environment);
  const targets = shellTargets(env);
  const ready = environment !== '' && target !== '' && title.trim() !== '' && (!env?.protected || typed === env.name);

  const {
    run: start,
    busy: starting,
    error,
  } = useAction(async () => {
    const { draft } = await client.startRecording({ environment, target, title: title.trim(), ...(env?.protected ? { confirm: typed } : {}) });
    navigate(href.recording(draft.id));
  });

  return (
    <section className="view">
      {env?.protected ? <ProtectedBanner environment={env.name} /> : null}
      <PageHeading>Record a runbook</PageHeading>
      <p className="meta">
        Do the work once, command by command: each runs for real on the target you pick, and becomes a step with its output kept as
        the example. Then add the why, mark the steps that change data, and save it as version 1.0.0.
      </p>
      <ErrorAlert error={environments.error} title="The environments could not be listed." />
      <form
        className="panel setup-form recorder-start"
        aria-label="Start a recording"
        onSubmit={(e) => {
          e.preventDefault();
          void start();
        }}
      >
        <h2>Start a recording</h2>
        <EnvironmentPicker
          environments={environments.data?.environments ?? []}
          allowed={undefined}
          value={environment}
          onChange={(name) => {
            setEnvironment(name);
            const first = shellTargets(environments.data?.environments.find((e) => e.name === name))[0];
            setTarget(first?.name ?? '');
            setTyped('');
          }}
        />
        <Field label="Target" help="Commands run here. Databases are not shell targets; mark a step as changing one afterwards.">
          {({ id, describedBy }) => (
            <select id={id} aria-describedby={describedBy} value={target} onChange={(e) => setTarget(e.target.value)} disabled={!env}>
              {!env ? <option value="">Choose an environment first</option> : null}
              {targets.map((t) => (
                <option key={t.name} value={t.name}>
                  {t.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Title" help="The runbook’s title; its id is made from it.">
          {({ id, describedBy }) => (
            <input id={id} aria-describedby={describedBy} type="text" value={title} onChange={(e) => setTitle(e.target.value)} placeholder="Rotate the API key" maxLength={500} />
          )}
        </Field>
        {env?.protected ? (
          <Field label="Type the environment name to confirm" help={`Every command you record runs in ${env.name} for real.`}>
            {({ id, describedBy }) => (
              <input id={id} aria-describedby={describedBy} type="text" value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" spellCheck={false} />
            )}
          </Field>
        ) : null}
        <ErrorAlert error={error} title="The recording was not started." />
        <div className="actions">
          <button type="submit" className="button primary" disabled={!ready || starting}>
            Start recording
          </button>
          {starting ? <span className="hint">Connecting to the target…</span> : null}
        </div>
      </form>
      <RecordingList recordings={recordings.data?.recordings} error={recordings.error} />
    </section>
  );
}
