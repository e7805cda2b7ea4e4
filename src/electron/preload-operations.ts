// The operation names the preload exposes, one named function each. A sandboxed preload
// cannot `require` project files, so it is bundled into one CommonJS file; keeping this
// list free of imports at run time keeps zod and the whole contract out of that bundle.
// The type below fails to compile when an operation is missing here, and
// test/unit/electron-preload.test.ts checks the list equals API_NAMES exactly.
import type { ApiName } from '../contract/api.js';

export const PRELOAD_OPERATIONS = [
  'appInfo',
  'listRunbooks',
  'getRunbook',
  'listEnvironments',
  'startRun',
  'planRun',
  'resumeRun',
  'resumeOutlook',
  'decide',
  'abortRun',
  'listRuns',
  'getRun',
  'getOutput',
  'listSnapshots',
  'restoreSnapshot',
  'verifyAudit',
  'searchAudit',
  'exportAudit',
  'reviewRun',
  'listTeamRuns',
  'getTeamRun',
  'listApprovalRequests',
  'getApprovalRequest',
  'approveRequest',
  'importScript',
  'startRecording',
  'listRecordings',
  'recordCommand',
  'stopRecordingCommand',
  'updateRecording',
  'getRecording',
  'saveRecording',
  'validateText',
  'getRunbookSource',
  'saveRunbook',
  'runbookHistory',
  'runbookDiff',
] as const satisfies readonly ApiName[];

type Missing = Exclude<ApiName, (typeof PRELOAD_OPERATIONS)[number]>;
/** `true` only while every operation of the contract is listed; a missing one names itself in the error. */
export const PRELOAD_COVERS_API: [Missing] extends [never] ? true : { missing: Missing } = true;

/** The IPC channel of one operation; main registers exactly these. */
export const channelOf = (operation: ApiName): `handrail:${ApiName}` => `handrail:${operation}`;

/** Main → renderer: every ConsoleEvent, in order. */
export const EVENT_CHANNEL = 'handrail:event';
