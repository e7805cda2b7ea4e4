// One recording under way: type a command, it runs for real on the recording's target with
// live output, and becomes a step; edit the steps; save as a runbook.
import { useState } from 'react';
import type { RecordedStep } from '../../../../src/contract/api.js';
import { useClient } from '../../api/api-context.js';
import { ErrorAlert } from '../../components/error-alert.js';
import { PageHeading } from '../../components/page-heading.js';
import { ProtectedBanner } from '../../components/protected-banner.js';
import { formatTime } from '../../lib/format.js';
import { href } from '../../lib/routes.js';
import { useLoad } from '../../lib/use-load.js';
import { CommandPanel } from './command-panel.js';
import { RecordedStepCard } from './recorded-step-card.js';
import { SaveRecordingPanel } from './save-recording-panel.js';
import { databaseTargets } from './shell-targets.js';
import { useRecordingDraft } from './use-recording-draft.js';

export function RecordingSession({ draftId }: { draftId: string }) {
  const client = useClient();
  const loaded = useLoad(() => client.getRecording({ draftId }), [draftId], { primary: true });
  const environments = useLoad(() => client.listEnvironments({}), []);
  const editing = useRecordingDraft(loaded.data?.draft);
  const [running, setRunning] = useState(false);

  const draft = editing.draft;
  const environment = environments.data?.environments.find((e) => e.name === draft?.environment);

  if (!draft) {
    return (
      <section className="view">
        <PageHeading>Recording</PageHeading>
        <ErrorAlert error={loaded.error} title="This recording could not be opened." />
        {loaded.loading ? <p className="muted">Loading the recording…</p> : null}
      </section>
    );
  }

  const saved = draft.savedPath !== null;
  const setStep = (i: number, next: RecordedStep, typing: boolean) => editing.edit({ ...draft, steps: draft.steps.map((s, j) => (j === i ? next : s)) }, { typing });
  const move = (i: number, by: -1 | 1) => {
    const steps = [...draft.steps];
    const [taken] = steps.splice(i, 1);
    if (taken) steps.splice(i + by, 0, taken);
    editing.edit({ ...draft, steps });
  };
  const remove = (i: number) => editing.edit({ ...draft, steps: draft.steps.filter((_, j) => j !== i) });

  return (
    <section className="view recorder">
      {environment?.protected ? <ProtectedBanner environment={environment.name} /> : null}
      <p className="breadcrumb">
        <a href={href.record()}>← All recordings</a>
      </p>
      <PageHeading>Recording: {draft.title}</PageHeading>
      <p className="meta">
        In <strong>{draft.environment}</strong> on target <code>{draft.target}</code> · by {draft.operator} · started {formatTime(draft.startedAt)} ·{' '}
        <span aria-live="polite">{editing.saving ? 'saving the draft…' : 'draft saved'}</span>
      </p>
      <ErrorAlert error={editing.error} title="Your last change was not kept." />
      <div className="recorder-layout">
        <div className="recorder-console">
          {!saved ? <CommandPanel draft={draft} beforeRun={editing.flush} onRecorded={editing.replace} onRunning={setRunning} /> : null}
          <SaveRecordingPanel draft={draft} busy={running} beforeSave={editing.flush} onSaved={(path) => editing.replace({ ...draft, savedPath: path })} />
        </div>
        <div className="panel recorder-steps">
          <h2>
            Steps <span className="muted small">({draft.steps.length})</span>
          </h2>
          <label className="field">
            <span className="field-label">Runbook title</span>
            <input type="text" value={draft.title} disabled={saved || running} maxLength={500} onChange={(e) => editing.edit({ ...draft, title: e.target.value }, { typing: true })} />
          </label>
          {draft.steps.length === 0 ? <p className="empty">No steps yet: run a command.</p> : null}
          {/* Read only once saved (the editor changes the runbook from then on), and while a command
              runs: the step it adds must not race an edit that lists the steps without it. */}
          <fieldset className="plain-fieldset" disabled={saved || running}>
            <ol className="recorded-steps" aria-label="Recorded steps">
              {draft.steps.map((step, i) => (
                <RecordedStepCard
                  key={step.id}
                  step={step}
                  index={i}
                  count={draft.steps.length}
                  databases={databaseTargets(environment)}
                  onChange={(next, typing) => setStep(i, next, typing)}
                  onMove={(by) => move(i, by)}
                  onDelete={() => remove(i)}
                />
              ))}
            </ol>
          </fieldset>
        </div>
      </div>
    </section>
  );
}
