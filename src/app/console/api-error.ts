// How a refused or failed operation reaches a console: the binding (IPC, WebSocket) sends
// toApiError(error) instead of the error itself, so the operator reads what failed, where,
// what was left unchanged and what to do next — never a stack trace.
import { ZodError } from 'zod';
import type { ApiError, ApiName } from '../../contract/api.js';
import { isDiskFull } from '../../store/storage-fault.js';
import { StoreError, firstLine } from '../../store/store-error.js';
import { UserError } from '../errors.js';
import { LeftoverRefusal } from '../leftover-question.js';

/** A request named a run, snapshot or runbook this data directory or workspace does not have. */
export class NotFoundError extends UserError {
  constructor(message: string) {
    super(message);
    this.name = 'NotFoundError';
  }
}

const WHAT: Record<ApiName, string> = {
  appInfo: 'reading the app information',
  listRunbooks: 'listing the runbooks',
  getRunbook: 'reading the runbook',
  listEnvironments: 'listing the environments',
  startRun: 'starting the run',
  planRun: 'planning the run',
  resumeRun: 'resuming the run',
  resumeOutlook: 'checking the team locks a resume would leave',
  decide: 'answering the step',
  abortRun: 'aborting the run',
  listRuns: 'listing the runs',
  getRun: 'reading the run',
  getOutput: "reading the step's output",
  listSnapshots: 'listing the snapshots',
  restoreSnapshot: 'restoring the snapshot',
  verifyAudit: 'verifying the audit trail',
  searchAudit: 'searching the audit trail',
  exportAudit: 'exporting the audit trail',
  reviewRun: 'recording the review',
  listTeamRuns: "listing the team ledger's runs",
  getTeamRun: "reading the team ledger's run",
  listApprovalRequests: 'listing the approval requests',
  getApprovalRequest: 'reading the approval request',
  approveRequest: 'signing the approval',
  importScript: 'importing the script or page',
  startRecording: 'starting the recording',
  listRecordings: 'listing the recordings',
  recordCommand: 'recording the command',
  stopRecordingCommand: "stopping the recording's command",
  updateRecording: 'saving your changes to the recording',
  getRecording: 'reading the recording',
  saveRecording: 'saving the recording as a runbook',
  validateText: 'validating the runbook text',
  getRunbookSource: "reading the runbook's source",
  saveRunbook: 'saving the runbook',
  runbookHistory: "reading the runbook's version history",
  runbookDiff: 'comparing the runbook versions',
};

/**
 * UserError → `refused` (or `not-found`), a request that does not fit its schema →
 * `invalid`, anything else → `failed`, named and without a stack.
 */
export function toApiError(error: unknown, operation?: ApiName): ApiError {
  if (error instanceof NotFoundError) return { code: 'not-found', message: error.message };
  // What still runs travels with the refusal, so the page can show it before it offers to stop it.
  if (error instanceof LeftoverRefusal) return { code: 'refused', message: error.message, leftovers: error.leftovers };
  if (error instanceof UserError) return { code: 'refused', message: error.message };
  const what = operation ? WHAT[operation] : 'the request';
  if (error instanceof ZodError) {
    const issues = error.issues.slice(0, 3).map((i) => `${i.path.length > 0 ? i.path.join('.') : 'the request'}: ${i.message}`);
    return { code: 'invalid', message: `${what} was refused: the request is not valid (${issues.join('; ')}); nothing was changed` };
  }
  // The store words its failures for the operator already (what, where, what next).
  if (error instanceof StoreError) return { code: 'failed', message: error.message };
  // A full disk is not a bug, and a request it stopped (a run) may have done part of its work.
  if (isDiskFull(error)) {
    return {
      code: 'failed',
      message:
        `${what} failed: the disk holding Handrail's data folder is full (${firstLine(error)}); what was recorded before is kept, ` +
        'what this request was doing may not be (the runs list shows where things stand). Free some space on that disk, then try again.',
    };
  }
  const first = (error instanceof Error ? error.message : String(error)).split('\n', 1)[0] ?? '';
  return {
    code: 'failed',
    message: `${what} failed: ${first || 'no reason given'}; nothing was changed by this request. Try again; if it fails again, report this message.`,
  };
}
