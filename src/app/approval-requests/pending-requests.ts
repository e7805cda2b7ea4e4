// `handrail approvals` and the console's Approvals view: the requests still waiting for an
// approval. A request leaves the list only once a row posted to it passes the very check a run
// applies (the environment's allowed_signers, the SSHSIG namespace, the plan id of THAT
// request, the time, approver not the requester). A row merely existing proves nothing: any
// writer login can post junk, and if that took the request off the list the operator would
// wait for an approval no one knows is missing. Rows that fail are counted beside the request,
// so an approver sees that something odd was posted.
import { readFile } from 'node:fs/promises';
import type { ApprovalSettings } from '../../contract/inventory.js';
import { parseAllowedSigners, type AllowedSignersFile } from '../../core/approvals/allowed-signers.js';
import { parseDuration } from '../../core/approvals/approval-statement.js';
import { checkApproval } from '../../core/guards/approval-check.js';
import { approvalSignaturesOf, recentApprovalRequests, type LedgerApprovalRequest, type LedgerApprovalSignature } from '../../targets/ledger/ledger-approvals.js';
import { approversOrigin, approversProblem } from '../approvers-in-git.js';
import { expandPath } from '../paths.js';
import { DEFAULT_VALID_FOR } from '../run-approval.js';
import { loadInventory } from '../run-plan.js';
import type { Settings } from '../settings.js';
import { withApprovalLedger } from './approval-ledger.js';

export interface PendingRequest extends LedgerApprovalRequest {
  /** Rows posted to the request that do not verify, and why in a short phrase. */
  unverified?: { count: number; why: string };
}

const LISTED = 100;

interface Approvers {
  signers: AllowedSignersFile;
  path: string;
  validForMs: number;
  validForText: string;
  /** Why no row can be accepted against these approvers (not committed to git, …), or null. */
  untrusted: string | null;
}

/** The pending requests, newest first; `now` is when approvals are judged (their expiry). */
export async function pendingRequests(settings: Settings, now = new Date()): Promise<PendingRequest[]> {
  const { requests, rows } = await withApprovalLedger(settings, 'approvals', 'nothing was read', async (client) => {
    const recent = await recentApprovalRequests(client);
    return { requests: recent, rows: await approvalSignaturesOf(client, recent.map((r) => r.requestId)) };
  });
  const approvers = new Map<string, Promise<Approvers | string>>();
  const approversOf = (env: string) => {
    if (!approvers.has(env)) approvers.set(env, loadApprovers(settings, env));
    return approvers.get(env)!;
  };
  const pending: PendingRequest[] = [];
  for (const request of requests) {
    if (pending.length >= LISTED) break;
    const posted = rows.get(request.requestId) ?? [];
    if (posted.length === 0) {
      pending.push(request);
      continue;
    }
    const found = await approversOf(request.environment);
    if (typeof found === 'string') {
      pending.push({ ...request, unverified: { count: posted.length, why: found } });
      continue;
    }
    const refused = posted.map((row) => refusal(row, request, found, now));
    if (refused.some((why) => why === null)) continue;
    pending.push({ ...request, unverified: { count: posted.length, why: [...new Set(refused)].join(', ') } });
  }
  return pending;
}

/** What a pending request's note says, as the CLI and the console print it. */
export function unverifiedNote(unverified: { count: number; why: string }): string {
  return `${unverified.count} posted approval${unverified.count === 1 ? ' does' : 's do'} not verify: ${unverified.why}`;
}

async function loadApprovers(settings: Settings, env: string): Promise<Approvers | string> {
  // An approver's machine may have only the ledger's address: then nothing can be checked here.
  const inventory = await loadInventory(settings.workspace).catch(() => undefined);
  const config = (inventory?.environments[env] as { approval?: ApprovalSettings } | undefined)?.approval;
  if (!config) return `this workspace names no approvers for ${env} to check them against`;
  const path = expandPath(config.approvers, settings);
  const text = await readFile(path, 'utf8').catch(() => undefined);
  if (text === undefined) return `the approvers file ${path} cannot be read`;
  const validForText = config['valid-for'] ?? DEFAULT_VALID_FOR;
  return {
    signers: parseAllowedSigners(text),
    path,
    validForMs: parseDuration(validForText) ?? 3_600_000,
    validForText,
    untrusted: approversProblem(path, await approversOrigin(path, text, settings.workspace)),
  };
}

/** Null when the row is an approval a run of this request's plan would accept; else why not, briefly. */
function refusal(row: LedgerApprovalSignature, request: LedgerApprovalRequest, approvers: Approvers, now: Date): string | null {
  const decision = checkApproval({
    approval: `${row.statement}${row.signature}`,
    approvalPath: `#${row.id}`,
    signers: approvers.signers,
    signersPath: approvers.path,
    expected: { planId: request.planId, runbook: request.runbook, environment: request.environment },
    operator: [request.operator],
    now,
    validForMs: approvers.validForMs,
    validForText: approvers.validForText,
  });
  if (decision.ok) return approvers.untrusted === null ? null : 'approvers file not committed';
  return decision.brief;
}
