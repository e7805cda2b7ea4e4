// Whether an approval lets this run go ahead, decided the way `ssh-keygen -Y verify -f
// allowed_signers -I PRINCIPAL -n handrail-approval` decides, plus what a second pair of
// eyes needs: the statement names exactly this plan, it is recent, and whoever signed is
// not the operator. Every refusal says what to do next.
import { matchPatternList, type AllowedSigner, type AllowedSignersFile } from '../approvals/allowed-signers.js';
import { APPROVAL_NAMESPACE, parseApprovalFile, type ApprovalStatement } from '../approvals/approval-statement.js';
import { checkSshsig } from '../approvals/sshsig.js';

export interface ApprovalExpectation {
  planId: string;
  runbook: string;
  environment: string;
}

export interface ApprovalCheckInput {
  /** The approval file's text (statement + armored signature). */
  approval: string;
  approvalPath: string;
  signers: AllowedSignersFile;
  signersPath: string;
  expected: ApprovalExpectation;
  /** Who Handrail knows the operator as: the operator name, the OS account, a full name. */
  operator: readonly string[];
  now: Date;
  validForMs: number;
  validForText: string;
}

export type ApprovalDecision =
  | { ok: true; principal: string; fingerprint: string; keyType: string; signedAt: string; planId: string; signerLine: number }
  | { ok: false; reason: string; /** The refusal in a few words, for a list entry beside other requests. */ brief: string; principal?: string; fingerprint?: string; planId?: string };

/** A clock this far ahead on the approver's machine is tolerated; more would stretch the approval's life. */
const CLOCK_SKEW_MS = 5 * 60_000;

const AGAIN = 'have the current plan approved again (handrail plan … --out plan.txt, then handrail approve plan.txt) and run with the new .sig';

export function checkApproval(input: ApprovalCheckInput): ApprovalDecision {
  const { approvalPath: file } = input;
  const parsed = parseApprovalFile(input.approval);
  if ('error' in parsed) return { ok: false, brief: 'not a Handrail approval', reason: `${file} is not a Handrail approval: ${parsed.error}; make one with handrail approve PLAN` };
  const s = parsed.statement;
  const sig = checkSshsig(parsed.armored, APPROVAL_NAMESPACE, parsed.statementBytes);
  if (!sig.ok) {
    return { ok: false, principal: s.principal, planId: s.plan, ...(sig.fingerprint ? { fingerprint: sig.fingerprint } : {}),
      brief: /namespace/.test(sig.problem) ? 'wrong signature namespace' : 'signature does not match',
      reason: `the approval ${file} does not verify: ${sig.problem}; ${AGAIN}` };
  }
  const who = { principal: s.principal, fingerprint: sig.fingerprint, planId: s.plan };
  const refuse = (brief: string, reason: string): ApprovalDecision => ({ ok: false, ...who, brief, reason });

  const signer = findSigner(input, s, sig.publicKey, sig.fingerprint);
  if ('reason' in signer) return refuse(signer.brief, signer.reason);

  const self = selfApproval(input, s.principal, sig.publicKey);
  if (self) return refuse('signed by the requester', self);

  if (s.environment !== input.expected.environment || s.runbook !== input.expected.runbook) {
    return refuse('signed for another runbook or environment', `the approval is for ${s.runbook} in ${s.environment}, not ${input.expected.runbook} in ${input.expected.environment}; ${AGAIN}`);
  }
  if (s.plan !== input.expected.planId) {
    return refuse(
      'signed for another plan',
      `the approval is for plan ${s.plan}, but this run's plan is ${input.expected.planId}: the runbook, an input, a target, the environment or the operator differs from what ${s.principal} approved; ` +
        `see what changed with handrail plan (same runbook, environment and inputs), then ${AGAIN}`,
    );
  }
  const signedAt = Date.parse(s.signedAt);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(s.signedAt) || Number.isNaN(signedAt)) {
    return refuse('signed-at is not a time', `the approval's signed-at '${s.signedAt}' is not a UTC time (2026-12-07T01:00:00Z); ${AGAIN}`);
  }
  const now = input.now.getTime();
  if (signedAt > now + CLOCK_SKEW_MS) {
    return refuse('signed in the future', `the approval says it was signed at ${s.signedAt}, which is in the future here (now ${input.now.toISOString()}); check both clocks, then ${AGAIN}`);
  }
  if (now - signedAt > input.validForMs) {
    const until = new Date(signedAt + input.validForMs).toISOString();
    return refuse('expired', `the approval expired: signed at ${s.signedAt} and valid for ${input.validForText} (until ${until}); ${AGAIN}`);
  }
  return { ok: true, principal: s.principal, fingerprint: sig.fingerprint, keyType: sig.keyType, signedAt: s.signedAt, planId: s.plan, signerLine: signer.line };
}

/** The allowed_signers line that lets this key sign as this principal in this namespace now. */
function findSigner(input: ApprovalCheckInput, s: ApprovalStatement, key: Buffer, print: string): AllowedSigner | { reason: string; brief: string } {
  const path = input.signersPath;
  const first = input.signers.problems[0];
  if (first) {
    return { brief: 'allowed_signers has an error', reason: `${path}:${first.line}:${first.column}: ${first.message}; fix the allowed_signers file (ssh-keygen(1), ALLOWED SIGNERS) before approvals can be checked` };
  }
  const named = input.signers.signers.filter((l) => matchPatternList(s.principal, l.principals) === 1);
  if (named.length === 0) {
    const holder = input.signers.signers.find((l) => l.key?.blob.equals(key));
    const hint = holder ? ` (that key, ${print}, is listed for '${holder.principals}' on line ${holder.line})` : '';
    return { brief: 'signer not in allowed_signers', reason: `unknown signer: '${s.principal}' is not a principal in ${path}${hint}; ask someone listed there to approve, or add the approver's public key to ${path} through your usual review` };
  }
  const sameKey = named.filter((l) => l.key?.blob.equals(key));
  if (sameKey.length === 0) {
    const ca = named.find((l) => l.certAuthority);
    if (ca) return { brief: 'cert-authority lines not supported', reason: `${path}:${ca.line}: cert-authority lines are not supported by Handrail; list '${s.principal}''s own public key instead` };
    return { brief: 'key not listed for its signer', reason: `the key that signed (${print}) is not the key ${path} lists for '${s.principal}' (line ${named.map((l) => l.line).join(', ')}); sign with the key listed there, or have ${path} updated` };
  }
  const now = input.now.getTime();
  let why = '';
  for (const line of sameKey) {
    if (line.namespaces !== null && matchPatternList(APPROVAL_NAMESPACE, line.namespaces) !== 1) {
      why = `${path}:${line.line}: the key may sign only in namespaces "${line.namespaces}", not ${APPROVAL_NAMESPACE}; add ${APPROVAL_NAMESPACE} to that line's namespaces`;
    } else if (line.validAfter !== null && now < line.validAfter) {
      why = `${path}:${line.line}: the key is valid only after ${new Date(line.validAfter).toISOString()}`;
    } else if (line.validBefore !== null && now > line.validBefore) {
      why = `${path}:${line.line}: the key was valid only before ${new Date(line.validBefore).toISOString()}; the approver needs a current key listed`;
    } else {
      return line;
    }
  }
  return { brief: 'key not allowed to sign approvals now', reason: why };
}

/**
 * The rule against approving one's own run: the principal, or any principal listed with the
 * signing key, names the operator — equal ignoring case, or equal before its '@'
 * (`alice@example.com` is the operator `alice`).
 */
function selfApproval(input: ApprovalCheckInput, principal: string, key: Buffer): string | null {
  const isOperator = (p: string) => namesOperator(p, input.operator);
  const keyLines = input.signers.signers.filter((l) => l.key?.blob.equals(key));
  const alsoListed = keyLines.flatMap((l) => l.principals.split(',')).filter((p) => !p.startsWith('!') && !/[*?]/.test(p));
  // A pattern (`*@example.com`) lets the key sign as anyone it covers: the operator too.
  const domain = principal.includes('@') ? principal.slice(principal.lastIndexOf('@')) : '';
  const operatorAs = input.operator.flatMap((o) => (o.includes('@') ? [o] : [o, ...(domain ? [`${o}${domain}`] : [])]));
  const covering = keyLines.find((l) => operatorAs.some((o) => matchPatternList(o, l.principals) === 1))?.principals;
  const hit = [principal, ...alsoListed].find(isOperator) ?? covering;
  if (!hit) return null;
  return `self-approval: the approval was signed by '${principal}'${hit === principal ? '' : ` with a key listed for '${hit}'`}, and this run's operator is ${[...input.operator].filter(Boolean).join(' / ')}; an approval must come from someone else — ask another approver in ${input.signersPath} to sign the plan`;
}

/** Whether a principal names one of the operator's names: equal ignoring case, or equal before its '@'. */
export function namesOperator(principal: string, operator: readonly string[]): boolean {
  const names = new Set(operator.map(comparable).filter((o) => o !== ''));
  const lower = comparable(principal);
  return names.has(lower) || names.has(comparable(lower.split('@')[0]!));
}

/**
 * A name as a reader would take it: compatibility forms folded (full-width `ｂｏｂ` is `bob`),
 * runs of spaces as one, no spaces at the ends, no case. Otherwise `"bob "` in
 * allowed_signers would be someone else to the check and the operator to anyone reading it.
 * Look-alike letters from other scripts are not folded: that is left to the file's review.
 */
function comparable(name: string): string {
  return name.normalize('NFKC').replace(/\s+/g, ' ').trim().toLowerCase();
}
