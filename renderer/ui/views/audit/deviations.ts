// Deviations, for the top of a run's audit page: what the server recorded (expectation
// results, confirmations, restores, …) plus what the steps themselves show (skips,
// failures, retries, in-doubt decisions) when the server listed nothing for that step.
import type { RunDetail } from '../../../../src/contract/api.js';

export interface Deviation {
  kind: string;
  idx: number | null;
  text: string;
  at: string;
}

export function deviationsOf(detail: Pick<RunDetail, 'deviations' | 'steps'>): Deviation[] {
  const list: Deviation[] = [...detail.deviations];
  const covered = new Set(detail.deviations.map((d) => d.idx));
  for (const step of detail.steps) {
    if (covered.has(step.idx)) continue;
    const at = step.finishedAt ?? step.startedAt ?? '';
    if (step.status === 'skipped') list.push({ kind: 'skipped', idx: step.idx, text: `Skipped: ${step.reason ?? 'no reason recorded'}`, at });
    else if (step.status === 'failed') list.push({ kind: 'failed', idx: step.idx, text: step.reason ?? 'The step failed.', at });
    else if (step.status === 'in-doubt') list.push({ kind: 'in-doubt', idx: step.idx, text: 'Was running when Handrail stopped; not decided yet.', at });
    else if (step.attempt > 1) list.push({ kind: 'retried', idx: step.idx, text: `Ran ${step.attempt} times.`, at });
    else if (step.note) list.push({ kind: 'note', idx: step.idx, text: step.note, at });
  }
  return list.sort((a, b) => (a.idx ?? -1) - (b.idx ?? -1));
}
