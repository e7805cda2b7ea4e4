// What the runbook will do, step by step, before anything runs.
import type { StepView } from '../../../../src/contract/api.js';
import { StepTags } from '../run/step-tags.js';

export function StepsPreview({ steps }: { steps: readonly StepView[] }) {
  return (
    <ol className="steps-preview">
      {steps.map((step) => (
        <li key={step.idx}>
          <div className="steps-preview-title">
            <strong>{step.title}</strong> <StepTags step={step} />
          </div>
          {step.command ? (
            <pre className="command">
              <code>{step.command}</code>
            </pre>
          ) : null}
        </li>
      ))}
    </ol>
  );
}
