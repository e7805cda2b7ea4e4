// A runbook step as the Run view shows it before and while it runs: its prose, the action as
// written, where it runs, and what must hold for it to count as done, in words.
import type { StepView } from '../../contract/api.js';
import type { Step, StepAction } from '../../contract/runbook.js';

export function toStepView(step: Step): StepView {
  const action = step.action;
  return {
    idx: step.index,
    title: step.title,
    kind: action?.kind ?? 'manual',
    prose: step.prose,
    command: action?.code ?? null,
    target: action?.attributes.target ?? null,
    mutates: action?.attributes.mutates ?? [],
    confirm: action?.attributes.confirm ?? false,
    idempotent: action?.attributes.idempotent ?? false,
    expectations: action ? expectations(action) : [],
    timeoutMs: action?.attributes.timeoutMs ?? null,
  };
}

/** What the engine checks (src/core/engine/step-actions.ts), in the same words the UI shows. */
export function expectations(action: StepAction): string[] {
  const a = action.attributes;
  const out: string[] = [];
  if (action.kind === 'sh') out.push(`exits with code ${a.expectExit ?? 0}`);
  if (action.kind === 'http') out.push(a.expectStatus === undefined ? 'the server answers with a 2xx status' : `the server answers with status ${a.expectStatus}`);
  if (a.expectRows !== undefined) out.push(`${a.mutates.length > 0 ? 'changes or returns' : 'returns'} exactly ${a.expectRows} row${a.expectRows === 1 ? '' : 's'}`);
  if (a.expectOutput !== undefined) out.push(`a line of the output matches /${a.expectOutput}/`);
  if (a.timeoutMs !== undefined) out.push(`stopped if it takes longer than ${duration(a.timeoutMs)}`);
  return out;
}

function duration(ms: number): string {
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  if (ms % 1000 === 0) return `${ms / 1000} s`;
  return `${ms} ms`;
}
