// The steps as the Run view will show them — title, kind and flags, prose, the exact
// command and its target, what will be checked — from the text being edited.
import type { StepView } from '../../../../src/contract/api.js';
import { Prose } from '../../components/markdown.js';
import { StepTags } from '../run/step-tags.js';

export function StepsPreviewPanel({ steps, intro }: { steps: readonly StepView[]; intro?: string }) {
  return (
    <section className="panel editor-preview" aria-label="Preview of the steps">
      <h2>Preview</h2>
      {intro ? <p className="hint">{intro}</p> : null}
      {steps.length === 0 ? <p className="muted">No steps yet: each ## heading starts one.</p> : null}
      <ol className="editor-preview-steps">
        {steps.map((step) => (
          <li key={step.idx} className="editor-preview-step">
            <h3>
              Step {step.idx + 1}: {step.title || <em>(no title)</em>}
            </h3>
            <StepTags step={step} />
            <Prose text={step.prose} />
            {step.command !== null ? (
              <div className="command-block">
                <div className="command-caption">
                  {step.kind.toUpperCase()} on target <code>{step.target ?? '—'}</code>
                </div>
                <pre className="command">
                  <code>{step.command}</code>
                </pre>
              </div>
            ) : (
              <p className="muted small">A manual step: nothing runs; the operator does it and marks it done.</p>
            )}
            {step.expectations.length > 0 ? (
              <ul className="small">
                {step.expectations.map((e) => (
                  <li key={e}>will check: {e}</li>
                ))}
              </ul>
            ) : null}
          </li>
        ))}
      </ol>
    </section>
  );
}
