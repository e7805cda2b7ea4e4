// Break-glass: in an incident an operator may go past a guard that needs someone or something
// not there right now (a second person's approval, the team ledger's lock, a check on a host
// that cannot answer it) by typing why.
// It is never quiet: each guard it waives becomes a `run.deviation` event, which leads every
// report and keeps the run's verdict from ever reading plain "succeeded".

/** The guards break-glass may waive; every other guard holds whatever is typed. */
export type Waivable = 'approval' | 'team-lock' | 'leftover-unchecked';

export const DEVIATION_EVENT = 'run.deviation';

/** What each waiver meant, in the words a reviewer reads. */
export const WAIVED_TEXT: Record<Waivable, string> = {
  approval: 'ran without the approval this environment requires',
  'team-lock': 'changed a target with the local lock only (the team ledger could not be reached)',
  'leftover-unchecked': "went on without knowing whether a cut-off step's command had ended on its host (it could not be checked there)",
};

/** The body of a `run.deviation` event; `detail` says what exactly was waived (the target, the plan). */
export interface BreakGlassDeviation {
  kind: 'break-glass';
  waived: Waivable;
  reason: string;
  detail?: string;
}

const MIN_REASON = 8;
const MAX_REASON = 1000;

/**
 * Why a typed reason is not enough, or null when it is. A reason is what a lead reads the
 * next morning, so a placeholder ("x", "asdf") or a pasted control sequence is refused.
 */
export function breakGlassReasonProblem(reason: string): string | null {
  const text = reason.trim();
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(text)) return 'the break-glass reason has a control character in it; type it as plain text';
  if (text.length < MIN_REASON) {
    return `the break-glass reason is too short (${text.length} of at least ${MIN_REASON} characters): say why a guard must be waived, e.g. --break-glass "INC-4711: primary down, ledger unreachable"`;
  }
  if (text.length > MAX_REASON) return `the break-glass reason is ${text.length} characters long; keep it under ${MAX_REASON} (put the detail in the incident ticket)`;
  return null;
}

export function breakGlassDeviation(waived: Waivable, reason: string, detail?: string): BreakGlassDeviation {
  return { kind: 'break-glass', waived, reason: reason.trim(), ...(detail ? { detail } : {}) };
}

/** One line for reports: what was waived, on what, and the operator's own words. */
export function deviationText(body: Record<string, unknown>): string {
  const waived = typeof body.waived === 'string' && body.waived in WAIVED_TEXT ? WAIVED_TEXT[body.waived as Waivable] : `waived ${String(body.waived ?? 'a guard')}`;
  const detail = typeof body.detail === 'string' && body.detail !== '' ? ` (${body.detail})` : '';
  const reason = typeof body.reason === 'string' && body.reason !== '' ? body.reason : 'no reason recorded';
  return `break-glass: ${waived}${detail}; reason given: "${reason}"`;
}
