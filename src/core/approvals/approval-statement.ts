// What an approver signs: a short statement naming the plan (by its id, the SHA-256 of its
// canonical text), who signs and when. The time sits inside the signed bytes because SSHSIG
// carries none, and an approval must expire. The approval file holds the statement, then
// the armored SSHSIG over exactly the statement's bytes — readable with `cat`, checkable
// with `ssh-keygen -Y verify` once split at the BEGIN line.
import { armorStart } from './sshsig.js';

export const APPROVAL_NAMESPACE = 'handrail-approval';
const HEADER = 'Handrail approval v1';
const FIELDS = ['plan', 'runbook', 'environment', 'principal', 'signed-at'] as const;

export interface ApprovalStatement {
  plan: string;
  runbook: string;
  environment: string;
  principal: string;
  /** ISO 8601 UTC, to the second. */
  signedAt: string;
}

export function statementText(s: ApprovalStatement): string {
  const values: Record<(typeof FIELDS)[number], string> = {
    plan: s.plan,
    runbook: s.runbook,
    environment: s.environment,
    principal: s.principal,
    'signed-at': s.signedAt,
  };
  for (const [field, value] of Object.entries(values)) {
    if (value === '' || /[\r\n]/.test(value)) throw new Error(`the approval's ${field} must be one non-empty line`);
  }
  return `${HEADER}\n${FIELDS.map((f) => `${f}: ${values[f]}`).join('\n')}\n`;
}

export type ParsedApproval = { statement: ApprovalStatement; statementBytes: Buffer; armored: string } | { error: string };

/** Splits an approval file into its statement and signature, and reads the statement. */
export function parseApprovalFile(text: string): ParsedApproval {
  const at = armorStart(text);
  if (at < 0) return { error: 'it holds no SSH signature (no -----BEGIN SSH SIGNATURE----- line)' };
  const head = text.slice(0, at);
  const lines = head.split('\n');
  if (lines[0] !== HEADER) {
    return { error: `it does not start with '${HEADER}' (a bare ssh-keygen signature over the plan file is not enough: an approval names the plan id, the principal and the time)` };
  }
  const values = new Map<string, string>();
  for (const line of lines.slice(1)) {
    if (line === '') continue;
    // eslint-disable-next-line no-control-regex -- a value is printed to the operator: no terminal codes
    if (/[\u0000-\u001f\u007f-\u009f]/.test(line)) return { error: 'its statement holds control characters' };
    const m = /^([a-z-]+): (.+)$/.exec(line);
    if (!m || !(FIELDS as readonly string[]).includes(m[1]!) || values.has(m[1]!)) return { error: `its statement has an unexpected line '${line}'` };
    values.set(m[1]!, m[2]!);
  }
  const missing = FIELDS.find((f) => !values.has(f));
  if (missing) return { error: `its statement has no '${missing}:' line` };
  return {
    statement: {
      plan: values.get('plan')!,
      runbook: values.get('runbook')!,
      environment: values.get('environment')!,
      principal: values.get('principal')!,
      signedAt: values.get('signed-at')!,
    },
    statementBytes: Buffer.from(head, 'utf8'),
    armored: text.slice(at),
  };
}

/** `30m`, `1h`, `1h30m`, `2d`: milliseconds, or null when it is not a duration. */
export function parseDuration(text: string): number | null {
  if (!/^(\d+[smhd])+$/.test(text)) return null;
  const unit: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
  let ms = 0;
  for (const [, n, u] of text.matchAll(/(\d+)([smhd])/g)) ms += Number(n) * unit[u!]!;
  return ms > 0 ? ms : null;
}
