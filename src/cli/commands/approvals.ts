// `handrail approvals [--json]`: the approval requests in the team ledger no one has signed
// yet, newest first. Reading only; approve one with `handrail approve --request ID`.
import { withApprovalLedger } from '../../app/approval-requests/approval-ledger.js';
import { resolveSettings } from '../../app/settings.js';
import { pendingApprovalRequests } from '../../targets/ledger/ledger-approvals.js';
import type { GlobalOptions } from '../global-options.js';
import { print } from '../output.js';

export async function approvalsCommand(flags: { json?: boolean }, global: GlobalOptions): Promise<number> {
  const settings = resolveSettings(global);
  const pending = await withApprovalLedger(settings, 'approvals', 'nothing was read', (client) => pendingApprovalRequests(client));
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
  for (const row of [head, ...rows]) print(row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd());
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
