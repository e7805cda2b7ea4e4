// `handrail approve PLAN [--key KEY] [--principal NAME] [--yes] [--out FILE]`: the approver
// reads the plan (printed whole, then its id and who would run it), then signs it with their
// SSH key. Show before ask: nothing is signed before the plan has been printed. Exit 0
// signed, 2 refused (not a plan, no key, the operator's own plan, no "yes").
import { createInterface } from 'node:readline/promises';
import { approverPrincipal, approverSigner, readPlanToApprove, writeApproval } from '../../app/approve-plan.js';
import { UserError } from '../../app/errors.js';
import { resolveSettings } from '../../app/settings.js';
import { fingerprint } from '../../core/approvals/ssh-public-key.js';
import { namesOperator } from '../../core/guards/approval-check.js';
import type { GlobalOptions } from '../global-options.js';
import { writeOut } from '../output.js';
import { askHidden } from './run.js';

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
  const written = await writeApproval(plan, principal, signer, flags.out);
  process.stderr.write(
    `Approved: ${written} holds your signed approval of plan ${plan.id} as ${who}. ` +
      `Give it to ${plan.operator}, who runs with --approval ${written}${validFor ? ` within ${validFor}` : ''}.\n`,
  );
  return 0;
}
