// `handrail run … --approval-request ID`: the approvals posted to that request in the team
// ledger, each checked exactly as a PLAN.sig file given with --approval is (decideRunApproval:
// the approvers file from the workspace, the SSHSIG namespace, the plan id rebuilt from this
// run, the time, approver not operator). The ledger is only how the signature travelled: being
// in it proves nothing, so a row the operator posted, or one edited in the database, is
// refused by that check like any forged file. The first approval that passes starts the run.
import { approvalSignatures, findApprovalRequests } from '../../targets/ledger/ledger-approvals.js';
import { ApprovalRefused, decideRunApproval, runPlanId, type RunApproval } from '../run-approval.js';
import type { RunPlan } from '../run-plan.js';
import type { Settings } from '../settings.js';
import { withApprovalLedger } from './approval-ledger.js';

const NOT_RUN = 'nothing was executed';

export async function decideRequestApproval(settings: Settings, run: RunPlan, requestRef: string, breakGlass: string | undefined, now = new Date()): Promise<RunApproval> {
  const runbook = run.runbook.frontMatter.id;
  const env = run.environmentName;
  const base = { runbook, environment: env, planId: runPlanId(settings, run), approvalRequest: requestRef };
  let fetched: { requestId: string; approvals: Awaited<ReturnType<typeof approvalSignatures>> };
  try {
    fetched = await withApprovalLedger(settings, 'run approval', NOT_RUN, async (client) => {
      const found = await findApprovalRequests(client, requestRef);
      if (found.length !== 1) return { requestId: requestRef, approvals: [] };
      return { requestId: found[0]!.requestId, approvals: await approvalSignatures(client, found[0]!.requestId) };
    });
  } catch (error) {
    if (breakGlass !== undefined) return { kind: 'waived', reason: breakGlass, detail: `plan ${base.planId}; approval request ${requestRef} could not be read: ${(error as Error).message}` };
    throw new ApprovalRefused((error as Error).message, { ...base, reason: 'approval request unreadable' });
  }
  const { requestId, approvals } = fetched;
  if (approvals.length === 0) {
    if (breakGlass !== undefined) return { kind: 'waived', reason: breakGlass, detail: `plan ${base.planId}; approval request ${requestId} had no approval` };
    throw new ApprovalRefused(
      `no approval has been posted to approval request ${requestId} in the team ledger yet (or there is no such request: handrail approvals lists the pending ones); ` +
        `wait for an approver to sign it (handrail approve --request ${requestId}, or the console's Approvals), then run again; in an incident, --break-glass "reason" runs without it and is recorded as a deviation; ${NOT_RUN}`,
      { ...base, reason: 'no approval posted to the request' },
    );
  }
  const reasons: string[] = [];
  for (const posted of approvals) {
    const label = `#${posted.id} of approval request ${requestId} (posted by ledger login ${posted.login})`;
    try {
      const decided = await decideRunApproval(settings, run, { approvalText: `${posted.statement}${posted.signature}`, approvalLabel: label }, now);
      if (decided.kind === 'approved') return { kind: 'approved', body: { ...decided.body, approvalRequest: requestId, approvalRow: posted.id } };
      return decided;
    } catch (error) {
      if (!(error instanceof ApprovalRefused)) throw error;
      reasons.push(error.message.replace(/; nothing was executed$/, ''));
    }
  }
  const why = reasons.length === 1 ? reasons[0]! : reasons.map((r, i) => `(${i + 1}) ${r}`).join(' ');
  if (breakGlass !== undefined) return { kind: 'waived', reason: breakGlass, detail: `plan ${base.planId}; the approvals of request ${requestId} were refused: ${why}` };
  throw new ApprovalRefused(`${reasons.length === 1 ? '' : `none of the ${reasons.length} approvals of request ${requestId} holds: `}${why}; ${NOT_RUN}`, {
    ...base,
    approvalRequest: requestId,
    reason: why,
  });
}
