// The run's steps, each with its state as an icon and a word. Selecting one shows it.
import type { RunDetail } from '../../../../src/contract/api.js';
import { StatusBadge } from '../../components/status-badge.js';
import { STEP_STATUS } from '../../lib/status.js';

export function StepList({ detail, selected, onSelect }: { detail: RunDetail; selected: number; onSelect: (idx: number) => void }) {
  return (
    <nav className="step-list" aria-label="Steps">
      <ol>
        {detail.steps.map((step) => {
          const waiting = detail.prompt?.idx === step.idx;
          return (
            <li key={step.idx}>
              <button
                type="button"
                className={`step-item${selected === step.idx ? ' selected' : ''}${waiting ? ' waiting' : ''}`}
                aria-current={selected === step.idx ? 'step' : undefined}
                onClick={() => onSelect(step.idx)}
              >
                <span className="step-number">{step.idx + 1}.</span>
                <span className="step-title">{step.title}</span>
                <StatusBadge look={STEP_STATUS[step.status]} />
                {waiting ? <span className="tag tag-info">waiting for you</span> : null}
                {step.attempt > 1 ? <span className="tag tag-warn">attempt {step.attempt}</span> : null}
              </button>
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
