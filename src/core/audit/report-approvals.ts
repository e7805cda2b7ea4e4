// How a run's approval reads in reports: who approved it (principal and key fingerprint),
// when they signed, and which plan — or that a refused approval was tried. One wording for
// Markdown, HTML and the deviations list.

/** The part of a report event read here (kept structural: report-model.ts imports this file). */
interface ApprovalEvent {
  runId: string | null;
  kind: string;
  body: Record<string, unknown> | null;
}

const str = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/** `approved by alice@example.com (SHA256:…), signed 2026-…, plan 3f2a…`; null when the run had no approval. */
export function approvalLine(events: readonly ApprovalEvent[], runId: string): string | null {
  const accepted = events.filter((e) => e.runId === runId && e.kind === 'approval.accepted');
  if (accepted.length === 0) return null;
  return accepted.map((e) => approvedText(e.body ?? {})).join('; ');
}

export function approvedText(b: Record<string, unknown>): string {
  return `approved by ${str(b.principal) ?? 'an unknown principal'} (${str(b.fingerprint) ?? 'key not recorded'}), signed ${str(b.signedAt) ?? '?'}, plan ${str(b.planId) ?? '?'}`;
}

/** For the deviations list: a refused approval, with who signed it when that is known. */
export function refusedApprovalText(b: Record<string, unknown>): string {
  const who = str(b.principal) ? ` signed by ${str(b.principal)}${str(b.fingerprint) ? ` (${str(b.fingerprint)})` : ''}` : '';
  return `approval${who} refused for ${str(b.runbook) ?? 'a run'} in ${str(b.environment) ?? 'an environment'}: ${str(b.reason) ?? 'no reason recorded'}`;
}
