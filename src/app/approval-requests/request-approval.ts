// `handrail plan … --request-approval`: the plan, exactly as `--out` would write it, posted to
// the team ledger for approvers to read and sign there. The ledger keeps it unchangeable and
// checks that the id posted is the SHA-256 of the text posted.
import { hostname } from 'node:os';
import { postApprovalRequest } from '../../targets/ledger/ledger-approvals.js';
import type { ResolvedPlan } from '../plan-service.js';
import type { RunPlan } from '../run-plan.js';
import type { Settings } from '../settings.js';
import { withApprovalLedger } from './approval-ledger.js';

export const NOT_POSTED = 'nothing was posted';

export async function requestApproval(settings: Settings, made: ResolvedPlan & { run: RunPlan }, note: string | undefined): Promise<string> {
  return withApprovalLedger(settings, 'approval request', NOT_POSTED, (client) =>
    postApprovalRequest(client, {
      planId: made.id,
      planText: made.text,
      runbook: made.run.runbook.frontMatter.id,
      environment: made.run.environmentName,
      operator: settings.operator,
      machine: hostname(),
      note: note?.trim() || null,
    }),
  );
}
