// One recorded step as the author edits it: its title and prose, whether it changes a
// database, asks first, or is safe to repeat; the command and its example output as they
// were recorded; move, delete. A command that looks destructive is highlighted.
import type { RecordedStep } from '../../../../src/contract/api.js';
import { formatDuration } from '../../lib/format.js';

export interface StepCardProps {
  step: RecordedStep;
  index: number;
  count: number;
  databases: readonly string[];
  onChange: (next: RecordedStep, typing: boolean) => void;
  onMove: (by: -1 | 1) => void;
  onDelete: () => void;
}

export function RecordedStepCard({ step, index, count, databases, onChange, onMove, onDelete }: StepCardProps) {
  const n = index + 1;
  const failed = step.exitCode !== 0;
  const flagged = step.destructive.length > 0;
  const set = (patch: Partial<RecordedStep>, typing = false) => onChange({ ...step, ...patch }, typing);
  const toggleMutates = (target: string, on: boolean) =>
    set({ mutates: on ? [...step.mutates, target] : step.mutates.filter((t) => t !== target) });

  return (
    <li className={`recorded-step${flagged ? ' recorded-step-destructive' : ''}`} aria-label={`Step ${n}: ${step.title}`}>
      <div className="recorded-step-head">
        <span className="step-number">{n}</span>
        <label className="field recorded-step-title">
          <span className="visually-hidden">Title of step {n}</span>
          <input type="text" value={step.title} maxLength={500} onChange={(e) => set({ title: e.target.value }, true)} />
        </label>
        <div className="recorded-step-buttons">
          <button type="button" className="button small" onClick={() => onMove(-1)} disabled={index === 0} aria-label={`Move step ${n} up`}>
            ↑ Up
          </button>
          <button type="button" className="button small" onClick={() => onMove(1)} disabled={index === count - 1} aria-label={`Move step ${n} down`}>
            ↓ Down
          </button>
          <button type="button" className="button small danger-outline" onClick={onDelete} aria-label={`Delete step ${n}`}>
            Delete
          </button>
        </div>
      </div>
      {flagged ? (
        <p className="alert alert-warn recorded-step-flag">
          <strong>⚠ Looks destructive:</strong> {step.destructive.join('; ')}.{' '}
          {step.confirm ? 'It asks before it runs (confirm).' : 'It would run without asking: review it before saving.'}
        </p>
      ) : null}
      <div className="command-caption">
        sh on target <code>{step.target}</code> ·{' '}
        <span className={failed ? 'bad' : 'ok'}>
          {step.exitCode === null ? 'ended by a signal' : `exit ${step.exitCode}`}
          {failed ? ' — failed when recorded; the runbook expects exit 0' : ''}
        </span>{' '}
        · {formatDuration(step.durationMs)}
      </div>
      <pre className="command">
        <code>{step.command}</code>
      </pre>
      <details className="recorded-example">
        <summary>Example output, as recorded</summary>
        {step.exampleOutput ? <pre className="example-output">{step.exampleOutput}</pre> : <p className="muted">It printed nothing.</p>}
      </details>
      <label className="field">
        <span className="field-label">Notes for step {n}</span>
        <textarea rows={2} value={step.prose} onChange={(e) => set({ prose: e.target.value }, true)} placeholder="Why this step, what to look for (Markdown)" />
      </label>
      <fieldset className="recorded-step-flags">
        <legend className="visually-hidden">Attributes of step {n}</legend>
        <label className="field-inline">
          <input type="checkbox" checked={step.confirm} onChange={(e) => set({ confirm: e.target.checked })} /> Ask before running (confirm)
        </label>
        <label className="field-inline">
          <input type="checkbox" checked={step.idempotent} onChange={(e) => set({ idempotent: e.target.checked })} /> Safe to repeat (idempotent)
        </label>
        {databases.map((db) => (
          <label key={db} className="field-inline">
            <input type="checkbox" checked={step.mutates.includes(db)} onChange={(e) => toggleMutates(db, e.target.checked)} /> Changes {db} (snapshot
            first)
          </label>
        ))}
      </fieldset>
    </li>
  );
}
