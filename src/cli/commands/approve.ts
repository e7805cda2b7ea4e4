// `handrail approve PLAN [--key KEY] [--principal NAME] [--yes] [--out FILE]`: the approver
// reads the plan (printed whole, then its id and who would run it), then signs it with their
// SSH key. Show before ask: nothing is signed before the plan has been printed. Exit 0
// signed, 2 refused (not a plan, no key, the operator's own plan, no "yes").
import { readPlanToApprove, writeApproval } from '../../app/approve-plan.js';
import { UserError } from '../../app/errors.js';
import { resolveSettings } from '../../app/settings.js';
import type { GlobalOptions } from '../global-options.js';
import { writeOut } from '../output.js';
import { approverConsent } from './approver-consent.js';

export interface ApproveFlags {
  key?: string;
  principal?: string;
  yes?: boolean;
  out?: string;
  request?: string;
}

export async function approveCommand(planPath: string | undefined, flags: ApproveFlags, global: GlobalOptions): Promise<number> {
  if (flags.request !== undefined) {
    if (planPath !== undefined) throw new UserError(`give a plan file or --request ID, not both; nothing was signed`);
    const { approveRequestCommand } = await import('./approve-request.js');
    return approveRequestCommand(flags.request, flags, global);
  }
  if (planPath === undefined) throw new UserError('give the plan file to approve (handrail approve plan.txt), or --request ID for a request in the team ledger (handrail approvals lists them); nothing was signed');
  const settings = resolveSettings(global);
  const plan = await readPlanToApprove(planPath);
  writeOut(plan.text);
  writeOut(`\nPlan id: ${plan.id}\nRunbook ${plan.runbook} in ${plan.environment}, to be run by ${plan.operator}.\n`);
  const consent = await approverConsent(settings, plan, flags);
  if (!consent) return 2;
  const { signer, principal, validFor, who } = consent;
  const written = await writeApproval(plan, principal, signer, flags.out);
  process.stderr.write(
    `Approved: ${written} holds your signed approval of plan ${plan.id} as ${who}. ` +
      `Give it to ${plan.operator}, who runs with --approval ${written}${validFor ? ` within ${validFor}` : ''}.\n`,
  );
  return 0;
}
