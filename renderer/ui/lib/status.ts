// Every state reads as an icon AND a word (never colour alone); the tone picks the colour.
import type { RunStatus, RunVerdict, StepStatus } from '../../../src/contract/run.js';

export type Tone = 'neutral' | 'info' | 'ok' | 'warn' | 'bad';
export interface StatusLook {
  icon: string;
  label: string;
  tone: Tone;
}

export const STEP_STATUS: Record<StepStatus, StatusLook> = {
  pending: { icon: '○', label: 'Pending', tone: 'neutral' },
  snapshotting: { icon: '◐', label: 'Taking snapshot', tone: 'info' },
  'snapshot-verified': { icon: '◑', label: 'Snapshot verified', tone: 'info' },
  running: { icon: '▶', label: 'Running', tone: 'info' },
  succeeded: { icon: '✓', label: 'Succeeded', tone: 'ok' },
  failed: { icon: '✗', label: 'Failed', tone: 'bad' },
  skipped: { icon: '↷', label: 'Skipped', tone: 'warn' },
  'in-doubt': { icon: '?', label: 'In doubt', tone: 'warn' },
};

export const RUN_STATUS: Record<RunStatus, StatusLook> = {
  running: { icon: '▶', label: 'Running', tone: 'info' },
  succeeded: { icon: '✓', label: 'Succeeded', tone: 'ok' },
  failed: { icon: '✗', label: 'Failed', tone: 'bad' },
  aborted: { icon: '■', label: 'Aborted', tone: 'bad' },
  interrupted: { icon: '⚠', label: 'Interrupted', tone: 'warn' },
};

/**
 * A run's status as every list and page shows it: a success with deviations is amber and
 * says how many (the rule lives in core/audit/run-verdict.ts; the API sends its result).
 */
export function verdictLook(verdict: RunVerdict, deviations: number): StatusLook {
  if (verdict === 'succeeded-with-deviations') return { icon: '✓', label: `Succeeded with deviations (${deviations})`, tone: 'warn' };
  return RUN_STATUS[verdict];
}
