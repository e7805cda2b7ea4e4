// `handrail approve --request ID [--key KEY] [--principal NAME] [--yes]`: the plan posted to the
// team ledger, printed whole with its id and who would run it, then signed as `approve FILE`
// signs (the same statement and SSHSIG) and posted back. Show before ask: nothing is signed
// before the plan has been printed. Exit 0 signed and posted, 2 refused.
import { createInterface } from 'node:readline/promises';
import { approverPrincipal, approverSigner } from '../../app/approve-plan.js';
import { approveRequest, fetchRequestToApprove } from '../../app/approval-requests/approve-request.js';
import { UserError } from '../../app/errors.js';
import { resolveSettings } from '../../app/settings.js';
import { fingerprint } from '../../core/approvals/ssh-public-key.js';
import { namesOperator } from '../../core/guards/approval-check.js';
import type { GlobalOptions } from '../global-options.js';
import { writeOut } from '../output.js';
import { askHidden } from './run.js';

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
  const interactive = Boolean(process.stdin.isTTY && process.stderr.isTTY);
  const signer = await approverSigner(flags.key, interactive ? askHidden : undefined);
  const { principal, validFor } = await approverPrincipal(settings, plan, signer, flags.principal);
  if (namesOperator(principal, [plan.operator])) {
    throw new UserError(`you (${principal}) are the operator of this plan (${plan.operator}); an approval must come from someone else, and a run would refuse it; ask another approver; nothing was signed`);
  }
  const who = `${principal} with ${signer.keyType} ${fingerprint(signer.publicKey)} (${signer.via})`;
  if (!flags.yes) {
    if (!interactive) throw new UserError(`read the plan above, then sign it as ${who} with --yes (there is no terminal to ask); nothing was signed`);
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    const answer = await rl.question(`Approve plan ${plan.id.slice(0, 12)}… as ${who}? [y/N] `).finally(() => rl.close());
    if (!/^y/i.test(answer.trim())) {
      process.stderr.write('Not approved; nothing was signed.\n');
      return 2;
    }
  }
  await approveRequest(settings, toApprove, principal, signer);
  process.stderr.write(
    `Approved: the team ledger holds your signed approval of plan ${plan.id} as ${who}, for request ${request.requestId}. ` +
      `${plan.operator} runs with --approval-request ${request.requestId}${validFor ? ` within ${validFor}` : ''}.\n`,
  );
  return 0;
}
