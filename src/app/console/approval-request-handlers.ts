// The console API for the Approvals view: the requests waiting in the team ledger, one with its
// plan to read, and the approval signed with the approver's key. Loaded on first use (the
// PostgreSQL client and the signing code are no part of the console's start). The passphrase
// a request carries is handed to the key's decryption and nowhere else: not kept, not logged.
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { UserError } from '../errors.js';
import type { Settings } from '../settings.js';
import type { Handlers } from './console-parts.js';

export type ApprovalRequestOps = 'listApprovalRequests' | 'getApprovalRequest' | 'approveRequest';

/** A key path typed in the console, read as a shell would read `~/…`. */
function keyPath(typed: string | undefined): string | undefined {
  const trimmed = typed?.trim();
  if (!trimmed) return undefined;
  return resolve(trimmed.replace(/^~(?=$|\/)/, homedir()));
}

export function approvalRequestHandlers(parts: { settings: Settings }): Handlers<ApprovalRequestOps> {
  return {
    async listApprovalRequests() {
      const { pendingRequests, unverifiedNote } = await import('../approval-requests/pending-requests.js');
      const pending = await pendingRequests(parts.settings);
      return {
        requests: pending.map(({ requestId, planId, runbook, environment, operator, machine, note, requestedAt, unverified }) => ({
          requestId, planId, runbook, environment, operator, machine, note, requestedAt, ...(unverified ? { unverified: unverifiedNote(unverified) } : {}),
        })),
      };
    },

    async getApprovalRequest(r) {
      const { fetchRequestToApprove } = await import('../approval-requests/approve-request.js');
      const { request, plan } = await fetchRequestToApprove(parts.settings, r.requestId);
      const { requestId, runbook, environment, operator, machine, note, requestedAt } = request;
      return { requestId, planId: plan.id, runbook, environment, operator, machine, note, requestedAt, text: plan.text };
    },

    async approveRequest(r) {
      const [{ fetchRequestToApprove, approveRequest }, { approverPrincipal, approverSigner }, { namesOperator }, { fingerprint }] = await Promise.all([
        import('../approval-requests/approve-request.js'),
        import('../approve-plan.js'),
        import('../../core/guards/approval-check.js'),
        import('../../core/approvals/ssh-public-key.js'),
      ]);
      const toApprove = await fetchRequestToApprove(parts.settings, r.requestId);
      const { plan } = toApprove;
      // Show before you ask: only the plan the approver was shown is signed.
      if (plan.id !== r.planId) {
        throw new UserError(`approval request ${r.requestId} is plan ${plan.id}, not the plan ${r.planId} you were shown; read it again before approving; nothing was signed`);
      }
      const passphrase = r.passphrase;
      const signer = await approverSigner(keyPath(r.key), passphrase === undefined ? undefined : () => Promise.resolve(passphrase));
      const { principal, validFor } = await approverPrincipal(parts.settings, plan, signer, r.principal?.trim() || undefined);
      if (namesOperator(principal, [plan.operator])) {
        throw new UserError(`you (${principal}) are the operator of this plan (${plan.operator}); an approval must come from someone else, and a run would refuse it; ask another approver; nothing was signed`);
      }
      await approveRequest(parts.settings, toApprove, principal, signer);
      return { requestId: toApprove.request.requestId, planId: plan.id, principal, fingerprint: fingerprint(signer.publicKey), operator: plan.operator, validFor };
    },
  };
}
