// The operator at a console: every question of the engine becomes a Prompt on the run's
// page, and the run waits until someone answers it through `decide` (checked by
// decision-rules.ts before it gets here).
import type { OperatorPort, Step } from '../run-types.js';
import type { LiveRun } from './live-run.js';

const label = (step: Step) => `step ${step.index + 1} (${step.title})`;

export function uiOperator(live: LiveRun): OperatorPort {
  return {
    async beforeStep(step) {
      const d = await live.ask({ kind: 'before-step', idx: step.index });
      if (d.action === 'run') return { action: 'run' };
      if (d.action === 'skip') return { action: 'skip', reason: d.reason.trim() };
      return { action: 'abort' };
    },

    async manual(step) {
      const d = await live.ask({ kind: 'manual', idx: step.index });
      if (d.action === 'done') return { action: 'done', ...(d.note?.trim() ? { note: d.note.trim() } : {}) };
      if (d.action === 'skip') return { action: 'skip', reason: d.reason.trim() };
      return { action: 'abort' };
    },

    async confirm(step, environment) {
      const d = await live.ask({ kind: 'confirm', idx: step.index, environment: environment ?? null });
      if (d.action === 'confirm') {
        return { ok: true, how: environment === undefined ? 'confirmed in the console' : 'typed the environment name in the console' };
      }
      return { ok: false, abort: true, message: `the operator aborted the run at the confirmation of ${label(step)}; the step was not run and nothing was changed` };
    },

    async failed(step, reason) {
      const d = await live.ask({ kind: 'failed', idx: step.index, reason });
      if (d.action === 'retry') return { action: 'retry' };
      if (d.action === 'skip') return { action: 'skip', reason: d.reason.trim() };
      if (d.action === 'stop') return { action: 'stop' };
      return { action: 'abort' };
    },

    async inDoubt(step, reason) {
      const d = await live.ask({ kind: 'in-doubt', idx: step.index, ...(reason !== undefined ? { reason } : {}) });
      if (d.action === 'retry') return { action: 'retry' };
      if (d.action === 'done') return { action: 'done', note: (d.note ?? '').trim() };
      if (d.action === 'skip') return { action: 'skip', reason: d.reason.trim() };
      return { action: 'abort' };
    },
  };
}
