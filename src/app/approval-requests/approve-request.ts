// `handrail approve --request ID` and the console's Approve: the plan text is fetched from the
// team ledger and goes through the same checks as a plan file (a whole plan, no control
// characters), its id is computed here from the text (never taken from the row), and the
// approval signed is the very statement and SSHSIG that `approve FILE` writes to PLAN.sig.
import { findApprovalRequests, postApprovalSignature, type LedgerApprovalRequest } from '../../targets/ledger/ledger-approvals.js';
import type { SshSigner } from '../../targets/ssh/ssh-signer.js';
import { fingerprint } from '../../core/approvals/ssh-public-key.js';
import { planToApprove, signApproval, type PlanToApprove } from '../approve-plan.js';
import { UserError } from '../errors.js';
import type { Settings } from '../settings.js';
import { withApprovalLedger } from './approval-ledger.js';

export const NOT_SIGNED = 'nothing was signed';

export interface RequestToApprove {
  request: LedgerApprovalRequest;
  plan: PlanToApprove;
}

export async function fetchRequestToApprove(settings: Settings, ref: string): Promise<RequestToApprove> {
  const found = await withApprovalLedger(settings, 'approval', NOT_SIGNED, (client) => findApprovalRequests(client, ref));
  if (found.length === 0) throw new UserError(`the team ledger holds no approval request ${ref}; list the pending ones with handrail approvals; ${NOT_SIGNED}`, 2);
  if (found.length > 1) throw new UserError(`${ref} names several approval requests (${found.map((r) => r.requestId).join(', ')}); give more of the id; ${NOT_SIGNED}`, 2);
  const { planText, ...request } = found[0]!;
  const plan = planToApprove(planText, `approval request ${request.requestId}`);
  if (plan.id !== request.planId) {
    throw new UserError(`approval request ${request.requestId} names plan ${request.planId}, but its text is plan ${plan.id}: the ledger's row was altered; tell whoever administers the ledger; ${NOT_SIGNED}`, 2);
  }
  // The ledger checks the id against the text; what the listing says beside them, only this can.
  if (plan.runbook !== request.runbook || plan.environment !== request.environment) {
    throw new UserError(
      `approval request ${request.requestId} is listed as ${request.runbook} in ${request.environment}, but its plan is ${plan.runbook} in ${plan.environment}; the listing was altered; read the plan, not the listing; ${NOT_SIGNED}`,
      2,
    );
  }
  return { request, plan };
}

/** Signs the request's plan as `principal` and posts the approval; returns its row id. */
export async function approveRequest(settings: Settings, toApprove: RequestToApprove, principal: string, signer: SshSigner, now = new Date()): Promise<number> {
  const { statement, armored } = await signApproval(toApprove.plan, principal, signer, now);
  return withApprovalLedger(settings, 'approval', 'the approval was signed but not posted', (client) =>
    postApprovalSignature(client, toApprove.request.requestId, { statement, signature: armored, principal, keyFingerprint: fingerprint(signer.publicKey) }),
  );
}
