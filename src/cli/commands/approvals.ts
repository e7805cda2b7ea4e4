// `handrail approvals [--json]`: the approval requests in the team ledger with no approval
// that verifies yet (decided in src/app/approval-requests/pending-requests.ts), newest first. Reading only; approve one with `handrail approve --request ID`.
import { pendingRequests, unverifiedNote } from '../../app/approval-requests/pending-requests.js';
import { resolveSettings } from '../../app/settings.js';
import type { GlobalOptions } from '../global-options.js';
import { print } from '../output.js';

export async function approvalsCommand(flags: { json?: boolean }, global: GlobalOptions): Promise<number> {
  const settings = resolveSettings(global);
  const pending = await pendingRequests(settings);
  if (flags.json) {
    print(JSON.stringify(pending, null, 2));
    return 0;
  }
  if (pending.length === 0) {
    print('No approval request is waiting in the team ledger.');
    return 0;
  }
  const now = Date.now();
  const rows = pending.map((r) => [r.requestId, r.planId.slice(0, 12), r.runbook, r.environment, r.operator, r.machine, age(now - Date.parse(r.requestedAt)), r.note ?? '']);
  const head = ['REQUEST', 'PLAN', 'RUNBOOK', 'ENV', 'OPERATOR', 'MACHINE', 'AGE', 'NOTE'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  [head, ...rows].forEach((row, i) => {
    print(row.map((c, j) => (j === row.length - 1 ? c : c.padEnd(widths[j]!))).join('  ').trimEnd());
    const odd = i > 0 ? pending[i - 1]!.unverified : undefined;
    if (odd) print(`  ! ${unverifiedNote(odd)}`);
  });
  print(`\nRead one and sign it: handrail approve --request REQUEST --key ~/.ssh/id_ed25519`);
  return 0;
}

function age(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes}m`;
  if (minutes < 48 * 60) return `${Math.floor(minutes / 60)}h${minutes % 60 ? `${minutes % 60}m` : ''}`;
  return `${Math.floor(minutes / 1440)}d`;
}
