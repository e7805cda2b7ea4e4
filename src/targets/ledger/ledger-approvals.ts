// Approval requests and their signatures in the team ledger (migration 0004): appended rows,
// read back as they were posted. Nothing here judges a signature; the run that uses one
// checks it as it checks a PLAN.sig file.
import { randomUUID } from 'node:crypto';
import type { LedgerClient } from './ledger-connection.js';

export interface PostedRequest {
  planId: string;
  planText: string;
  runbook: string;
  environment: string;
  operator: string;
  machine: string;
  note: string | null;
}

export interface LedgerApprovalRequest extends Omit<PostedRequest, 'planText'> {
  requestId: string;
  /** ISO 8601, the ledger's clock. */
  requestedAt: string;
  /** The ledger login that posted it. */
  login: string;
  approvals: number;
}

export interface LedgerApprovalSignature {
  id: number;
  statement: string;
  signature: string;
  principal: string;
  keyFingerprint: string;
  approvedAt: string;
  login: string;
}

interface RequestRow {
  request_id: string;
  plan_id: string;
  runbook: string;
  environment: string;
  operator: string;
  machine: string;
  note: string | null;
  requested_at: Date;
  db_role: string;
  approvals: number;
}

const REQUESTS = `SELECT r.request_id, r.plan_id, r.runbook, r.environment, r.operator, r.machine, r.note, r.requested_at, r.db_role,
  (SELECT count(*)::int FROM handrail.approval_signatures s WHERE s.request_id = r.request_id) AS approvals
  FROM handrail.approval_requests r`;

function toRequest(r: RequestRow): LedgerApprovalRequest {
  return {
    requestId: r.request_id, planId: r.plan_id, runbook: r.runbook, environment: r.environment, operator: r.operator, machine: r.machine,
    note: r.note, requestedAt: new Date(r.requested_at).toISOString(), login: r.db_role, approvals: r.approvals,
  };
}

export async function postApprovalRequest(client: LedgerClient, request: PostedRequest): Promise<string> {
  const id = randomUUID();
  await client.query(
    `INSERT INTO handrail.approval_requests (request_id, plan_id, plan_text, runbook, environment, operator, machine, note)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [id, request.planId, request.planText, request.runbook, request.environment, request.operator, request.machine, request.note],
  );
  return id;
}

/**
 * The newest requests, signed or not, newest first. Which are still waiting is the app's
 * question: a row here is only a claim until its signature is checked.
 */
export async function recentApprovalRequests(client: LedgerClient, limit = 500): Promise<LedgerApprovalRequest[]> {
  const result = await client.query<RequestRow>(`${REQUESTS} ORDER BY r.requested_at DESC, r.request_id LIMIT $1`, [limit]);
  return result.rows.map(toRequest);
}

/** The requests whose id is `ref` or starts with it (several: ambiguous), with their plan text. */
export async function findApprovalRequests(client: LedgerClient, ref: string): Promise<(LedgerApprovalRequest & { planText: string })[]> {
  const result = await client.query<RequestRow & { plan_text: string }>(
    `SELECT q.*, r.plan_text FROM (${REQUESTS} WHERE r.request_id = $1 OR starts_with(r.request_id, $1) ORDER BY r.requested_at DESC LIMIT 5) q
     JOIN handrail.approval_requests r USING (request_id)`,
    [ref],
  );
  return result.rows.map((r) => ({ ...toRequest(r), planText: r.plan_text }));
}

export async function postApprovalSignature(
  client: LedgerClient,
  requestId: string,
  approval: { statement: string; signature: string; principal: string; keyFingerprint: string },
): Promise<number> {
  const result = await client.query<{ id: number }>(
    `INSERT INTO handrail.approval_signatures (request_id, statement, signature, principal, key_fingerprint) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
    [requestId, approval.statement, approval.signature, approval.principal, approval.keyFingerprint],
  );
  return result.rows[0]!.id;
}

/** The rows posted to each of these requests, by request id. */
export async function approvalSignaturesOf(client: LedgerClient, requestIds: readonly string[]): Promise<Map<string, LedgerApprovalSignature[]>> {
  const result = await client.query<SignatureRow & { request_id: string }>(
    'SELECT request_id, id, statement, signature, principal, key_fingerprint, approved_at, db_role FROM handrail.approval_signatures WHERE request_id = ANY($1::text[]) ORDER BY id',
    [requestIds],
  );
  const byRequest = new Map<string, LedgerApprovalSignature[]>();
  for (const r of result.rows) byRequest.set(r.request_id, [...(byRequest.get(r.request_id) ?? []), toSignature(r)]);
  return byRequest;
}

interface SignatureRow { id: number; statement: string; signature: string; principal: string; key_fingerprint: string; approved_at: Date; db_role: string }

function toSignature(r: SignatureRow): LedgerApprovalSignature {
  return {
    id: r.id, statement: r.statement, signature: r.signature, principal: r.principal, keyFingerprint: r.key_fingerprint,
    approvedAt: new Date(r.approved_at).toISOString(), login: r.db_role,
  };
}

export async function approvalSignatures(client: LedgerClient, requestId: string): Promise<LedgerApprovalSignature[]> {
  const result = await client.query<SignatureRow>(
    'SELECT id, statement, signature, principal, key_fingerprint, approved_at, db_role FROM handrail.approval_signatures WHERE request_id = $1 ORDER BY id',
    [requestId],
  );
  return result.rows.map(toSignature);
}
