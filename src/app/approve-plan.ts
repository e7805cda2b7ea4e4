// `handrail approve PLAN`: an approver signs a plan file that `handrail plan --out` wrote.
// The plan id is computed here from the file's bytes (never taken from the file), the
// statement names it with the approver's principal and the time, and the key signs the
// statement as `ssh-keygen -Y sign -n handrail-approval` would (src/core/approvals/).
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ApprovalSettings } from '../contract/inventory.js';
import { matchPatternList, parseAllowedSigners } from '../core/approvals/allowed-signers.js';
import { APPROVAL_NAMESPACE, statementText } from '../core/approvals/approval-statement.js';
import { fingerprint } from '../core/approvals/ssh-public-key.js';
import { signSshsig } from '../core/approvals/sshsig.js';
import { PLAN_TEXT_FOOTER, PLAN_TEXT_HEADER, planId } from '../core/plan/plan-text.js';
import { agentSigners, keyFileSigner, type SshSigner } from '../targets/ssh/ssh-signer.js';
import { UserError } from './errors.js';
import { expandPath } from './paths.js';
import { loadInventory } from './run-plan.js';
import { writeFileSafely } from './safe-write.js';
import type { Settings } from './settings.js';

export interface PlanToApprove {
  path: string;
  text: string;
  id: string;
  runbook: string;
  environment: string;
  operator: string;
}

export async function readPlanToApprove(path: string): Promise<PlanToApprove> {
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new UserError(`cannot read the plan ${path} (${error.code ?? String(error)}); nothing was signed`);
  });
  return planToApprove(text, path);
}

/** A plan's text as an approver will be shown it (a file, or a request fetched from the team ledger), refused when it could hide a line. */
export function planToApprove(text: string, path: string): PlanToApprove {
  if (!text.startsWith(`${PLAN_TEXT_HEADER}\n`) || !text.endsWith(`${PLAN_TEXT_FOOTER}\n`)) {
    throw new UserError(`${path} is not a whole Handrail plan (it must start '${PLAN_TEXT_HEADER}' and end '${PLAN_TEXT_FOOTER}', as handrail plan --out writes it); nothing was signed`);
  }
  // The plan's own text escapes these (plan-text.ts); in a file an approver is shown, they could
  // move the cursor or reorder text and hide a line the signature still covers.
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  const hidden = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/.exec(text);
  if (hidden) {
    const line = text.slice(0, hidden.index).split('\n').length;
    throw new UserError(
      `${path}:${line}: the plan holds control characters (U+${hidden[0].codePointAt(0)!.toString(16).padStart(4, '0').toUpperCase()}) that a plan written by handrail plan never has; on a terminal they could hide a line from you; ask for the plan again; nothing was signed`,
    );
  }
  const field = (name: string) => new RegExp(`^${name}: (\\S+)`, 'm').exec(text)?.[1];
  const runbook = field('Runbook');
  const environment = field('Environment');
  const operator = /^Operator: (.+)$/m.exec(text)?.[1];
  if (!runbook || !environment || !operator) throw new UserError(`${path} names no runbook, environment or operator; write it again with handrail plan --out; nothing was signed`);
  return { path, text, id: planId(text), runbook, environment, operator };
}

/** The approver's key: a key file (or its .pub, the private half in ssh-agent), else the agent's only key. */
export async function approverSigner(key: string | undefined, askPassphrase: ((prompt: string) => Promise<string>) | undefined): Promise<SshSigner> {
  const agentSocket = process.env.SSH_AUTH_SOCK || undefined;
  try {
    if (key !== undefined) return await keyFileSigner(key, { agentSocket, ...(askPassphrase ? { passphrase: askPassphrase } : {}) });
    const keys = await agentSigners(agentSocket);
    if (keys.length === 1) return keys[0]!;
    throw new Error(
      keys.length === 0 ? 'give your key with --key ~/.ssh/id_ed25519 (or its .pub when the key is in ssh-agent)' : `ssh-agent holds ${keys.length} keys; choose one with --key (its .pub file)`,
    );
  } catch (error) {
    throw new UserError(`${(error as Error).message}; nothing was signed`);
  }
}

/**
 * The principal the approver signs as: --principal, else the one the environment's
 * allowed_signers lists for this key (when this machine has the workspace and exactly one
 * literal principal fits), as `ssh-keygen -Y find-principals` would find it.
 */
export async function approverPrincipal(settings: Settings, plan: PlanToApprove, signer: SshSigner, given: string | undefined): Promise<{ principal: string; approvers: string | null; validFor: string | null }> {
  let approvers: string | null = null;
  let validFor: string | null = null;
  let listed: string[] = [];
  try {
    const inventory = await loadInventory(settings.workspace);
    const config = (inventory.environments[plan.environment] as { approval?: ApprovalSettings } | undefined)?.approval;
    if (config) {
      approvers = expandPath(config.approvers, settings);
      validFor = config['valid-for'] ?? '1h';
      const file = parseAllowedSigners(await readFile(approvers, 'utf8'));
      listed = file.signers.filter((l) => l.key?.blob.equals(signer.publicKey)).flatMap((l) => l.principals.split(',')).filter((p) => !/^!|[*?]/.test(p));
      if (given !== undefined && !file.signers.some((l) => l.key?.blob.equals(signer.publicKey) && matchPatternList(given, l.principals) === 1)) {
        throw new UserError(`${approvers} does not list your key (${fingerprint(signer.publicKey)}) for '${given}', so a run would refuse this approval; check --principal and --key, or have the file updated; nothing was signed`);
      }
    }
  } catch (error) {
    if (error instanceof UserError && error.message.includes('does not list your key')) throw error;
    // No workspace on this machine (an approver often has only the plan file): --principal must say it.
  }
  const principal = given ?? (listed.length === 1 ? listed[0] : undefined);
  if (principal === undefined) {
    throw new UserError(
      listed.length > 1
        ? `your key is listed for several principals (${listed.join(', ')}); choose one with --principal; nothing was signed`
        : `give --principal NAME, the name your key has in the environment's allowed_signers file (e.g. alice@example.com); nothing was signed`,
    );
  }
  return { principal, approvers, validFor };
}

/** Signs the statement for `plan` and writes PLAN.sig (or `out`); returns where. */
export async function writeApproval(plan: PlanToApprove, principal: string, signer: SshSigner, out: string | undefined, now = new Date()): Promise<string> {
  const { statement, armored } = await signApproval(plan, principal, signer, now);
  const path = resolve(out ?? `${plan.path}.sig`);
  try {
    await writeFileSafely(path, [statement, armored], { mode: 0o644, replace: true });
  } catch (error) {
    throw new UserError(`could not write ${path} (${(error as Error).message}); nothing was written there`, 1);
  }
  return path;
}

/** The approval statement for `plan` and its SSHSIG: the two halves of a PLAN.sig, wherever they are kept. */
export async function signApproval(plan: PlanToApprove, principal: string, signer: SshSigner, now = new Date()): Promise<{ statement: string; armored: string }> {
  const statement = statementText({
    plan: plan.id,
    runbook: plan.runbook,
    environment: plan.environment,
    principal,
    signedAt: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
  });
  let armored: string;
  try {
    armored = await signSshsig(APPROVAL_NAMESPACE, Buffer.from(statement, 'utf8'), signer);
  } catch (error) {
    throw new UserError(`${(error as Error).message}; nothing was signed`, 1);
  }
  return { statement, armored };
}
