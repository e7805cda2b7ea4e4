// `handrail approve --request ID [--key KEY] [--principal NAME] [--yes]`: the plan posted to the
// team ledger, printed whole with its id and who would run it, then signed as `approve FILE`
// signs (the same statement and SSHSIG) and posted back. Show before ask: nothing is signed
// before the plan has been printed. Exit 0 signed and posted, 2 refused.
import { approveRequest, fetchRequestToApprove } from '../../app/approval-requests/approve-request.js';
import { UserError } from '../../app/errors.js';
import { resolveSettings } from '../../app/settings.js';
import type { GlobalOptions } from '../global-options.js';
import { writeOut } from '../output.js';
import { approverConsent } from './approver-consent.js';

export interface ApproveRequestFlags {
  key?: string;
  principal?: string;
  yes?: boolean;
  out?: string;
}

export async function approveRequestCommand(ref: string, flags: ApproveRequestFlags, global: GlobalOptions): Promise<number> {
  if (flags.out !== undefined) throw new UserError('--out writes a PLAN.sig for a plan file; an approval of a request is posted to the team ledger instead; leave out --out; nothing was signed');
  const settings = resolveSettings(global);
  const toApprove = await fetchRequestToApprove(settings, ref);
  const { plan, request } = toApprove;
  writeOut(plan.text);
  writeOut(
    `\nPlan id: ${plan.id}\nRunbook ${plan.runbook} in ${plan.environment}, to be run by ${plan.operator}` +
      ` (requested from ${request.machine} at ${request.requestedAt}${request.note ? `: ${request.note}` : ''}).\n`,
  );
  const consent = await approverConsent(settings, plan, flags);
  if (!consent) return 2;
  const { signer, principal, validFor, who } = consent;
  await approveRequest(settings, toApprove, principal, signer);
  process.stderr.write(
    `Approved: the team ledger holds your signed approval of plan ${plan.id} as ${who}, for request ${request.requestId}. ` +
      `${plan.operator} runs with --approval-request ${request.requestId}${validFor ? ` within ${validFor}` : ''}.\n`,
  );
  return 0;
}
