import type { StepView } from '../../../../src/contract/api.js';

/** Kind, target and the flags that matter to an operator (changes data, asks first). */
export function StepTags({ step }: { step: StepView }) {
  return (
    <span className="step-tags">
      <span className="tag">{step.kind === 'manual' ? 'manual' : step.kind}</span>
      {step.target ? <span className="tag">on {step.target}</span> : null}
      {step.mutates.length > 0 ? <span className="tag tag-warn">changes {step.mutates.join(', ')} — snapshot first</span> : null}
      {step.confirm ? <span className="tag tag-warn">asks before running</span> : null}
      {step.idempotent ? <span className="tag">safe to repeat</span> : null}
    </span>
  );
}
