// Which answers fit which question, checked before the engine sees them: a decision that
// does not fit is refused and the question stays open, so a stale or mistaken click never
// moves a run.
import type { Prompt, StepDecision } from '../../contract/api.js';
import { checkTypedName } from '../../core/guards/protected-environment.js';

const ANSWERS: Record<Prompt['kind'], readonly StepDecision['action'][]> = {
  'before-step': ['run', 'skip', 'abort'],
  manual: ['done', 'skip', 'abort'],
  confirm: ['confirm', 'abort'],
  failed: ['retry', 'skip', 'abort', 'stop'],
  'in-doubt': ['retry', 'done', 'skip', 'abort'],
};

const QUESTION: Record<Prompt['kind'], string> = {
  'before-step': 'the go-ahead to run it',
  manual: 'to be marked done',
  confirm: 'a confirmation',
  failed: 'a decision after it failed',
  'in-doubt': 'a decision: it was running when Handrail stopped',
};

/** Why the decision does not fit the prompt, or undefined when it does. */
export function refusal(prompt: Prompt, decision: StepDecision): string | undefined {
  const step = `step ${prompt.idx + 1}`;
  const still = `${step} is still waiting; nothing was changed`;
  if (!ANSWERS[prompt.kind].includes(decision.action)) {
    return `${step} is waiting for ${QUESTION[prompt.kind]}; '${decision.action}' is not one of its answers (${ANSWERS[prompt.kind].join(', ')}); ${still}`;
  }
  if (decision.action === 'skip' && decision.reason.trim() === '') {
    return `a skip needs a reason, which is kept in the audit trail; ${still}`;
  }
  if (decision.action === 'done' && prompt.kind === 'in-doubt' && (decision.note ?? '').trim() === '') {
    return `marking an in-doubt step done needs a note saying what you checked; ${still}`;
  }
  if (decision.action === 'confirm' && prompt.kind === 'confirm' && prompt.environment !== null) {
    const env = prompt.environment;
    const checked = checkTypedName(env, decision.typed);
    if (!checked.ok && checked.missing) return `${step} changes the protected environment '${env}': type its name to confirm; ${still}`;
    if (!checked.ok) return `${checked.mismatch}: type the environment's name exactly; ${still}`;
  }
  return undefined;
}
