// What `approve FILE` and `approve --request ID` do alike once the plan has been printed:
// find the approver's key and principal, refuse the plan's own operator, and ask before
// signing (or take --yes). Nothing is signed here; the caller signs only on an answer.
import { createInterface } from 'node:readline/promises';
import { approverPrincipal, approverSigner, type PlanToApprove } from '../../app/approve-plan.js';
import { UserError } from '../../app/errors.js';
import type { Settings } from '../../app/settings.js';
import { fingerprint } from '../../core/approvals/ssh-public-key.js';
import { namesOperator } from '../../core/guards/approval-check.js';
import { askHidden } from './run.js';

export interface ApproverConsent {
  signer: Awaited<ReturnType<typeof approverSigner>>;
  principal: string;
  validFor: string | null;
  /** The principal and key, as the messages name the approver. */
  who: string;
}

/** The approver's consent to sign `plan`, or null when they answered no (said on stderr). */
export async function approverConsent(settings: Settings, plan: PlanToApprove, flags: { key?: string; principal?: string; yes?: boolean }): Promise<ApproverConsent | null> {
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
      return null;
    }
  }
  return { signer, principal, validFor, who };
}
