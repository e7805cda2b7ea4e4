import { z } from 'zod';

/*
 * Approval requests in the team ledger, as the console's Approvals view shows them: the
 * pending list, one request with its plan's text to read, and the approval an approver signs.
 */

export const ApprovalRequestEntry = z.object({
  requestId: z.string(),
  planId: z.string(),
  runbook: z.string(),
  environment: z.string(),
  operator: z.string(),
  machine: z.string(),
  note: z.string().nullable(),
  /** ISO 8601, the ledger's clock. */
  requestedAt: z.string(),
  /** Posted rows that do not verify for the request, as one note ("1 posted approval does not verify: …"). */
  unverified: z.string().optional(),
});
export type ApprovalRequestEntry = z.infer<typeof ApprovalRequestEntry>;

/** The request with its plan's whole text; `planId` is computed from that text by the server. */
export const ApprovalRequestPlan = ApprovalRequestEntry.extend({ text: z.string() });
export type ApprovalRequestPlan = z.infer<typeof ApprovalRequestPlan>;

export const ApproveRequest = z.object({
  requestId: z.string().min(1).max(200),
  /** The plan id the approver was shown: signing is refused when the request's plan is another. */
  planId: z.string().regex(/^[0-9a-f]{64}$/),
  /** A private key file, or its .pub when the key is in ssh-agent; absent: the agent's only key. */
  key: z.string().max(4096).optional(),
  /** The key file's passphrase: used once to sign, never stored or logged. */
  passphrase: z.string().max(1024).optional(),
  principal: z.string().max(500).optional(),
});

export const ApprovedRequest = z.object({ requestId: z.string(), planId: z.string(), principal: z.string(), fingerprint: z.string(), operator: z.string(), validFor: z.string().nullable() });
