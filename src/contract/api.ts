// The one API both consoles speak (Electron IPC and `handrail serve`'s WebSocket): every
// operation the UI needs, as a zod request and response schema, named once here. src/app
// implements it (ConsoleService); src/electron and src/server only carry it; the renderer
// imports these types and nothing else from src. A binding parses every request with its
// schema before the app sees it, so a malformed request is refused at the edge.
import { z } from 'zod';
import { Plan } from './plan.js';
import { Problem } from './problem.js';
import { RecordMismatch } from './record-check.js';
import { Run, RunStep, RunVerdict } from './run.js';
import { InputDeclaration, NAME_PATTERN, RunbookSummary } from './runbook.js';
import { RunningLeftover } from './leftover.js';
import { Snapshot } from './snapshot.js';
import { TeamRunPage, TeamRunQuery, TeamRunRef, TeamRunView } from './team-views.js';
import { ApprovalRequestEntry, ApprovalRequestPlan, ApprovedRequest, ApproveRequest } from './approval-requests.js';

const Id = z.string().min(1).max(200);
const Text = z.string().max(10_000);

/** One environment of the inventory, as the environment picker shows it. */
export const EnvironmentInfo = z.object({
  name: z.string(),
  protected: z.boolean(),
  description: z.string().optional(),
  targets: z.array(z.object({ name: z.string(), kind: z.enum(['local', 'ssh', 'sqlite', 'postgres']), where: z.string() })),
});
export type EnvironmentInfo = z.infer<typeof EnvironmentInfo>;

export const RunbookListItem = RunbookSummary.extend({
  lastRun: z
    .object({
      id: z.string(),
      status: Run.shape.status,
      startedAt: z.string(),
      environment: z.string(),
      /** As in the run list: "succeeded with deviations" is not shown as a plain success. */
      verdict: RunVerdict.optional(),
      deviations: z.number().int().min(0).optional(),
    })
    .nullable(),
  /** Validation problems with positions (errors and warnings). */
  problemList: z.array(Problem),
  /**
   * Not judged yet (a data folder that has not seen these bytes): listed from its front matter
   * alone, `steps` and `problems` not known, `problemList` empty. A `runbooks-judged` event
   * follows once every runbook of the workspace is judged.
   */
  judging: z.boolean().optional(),
});
export type RunbookListItem = z.infer<typeof RunbookListItem>;

/** One step as the Run view shows it before and while it runs. */
export const StepView = z.object({
  idx: z.number().int().min(0),
  title: z.string(),
  kind: z.enum(['sh', 'sql', 'http', 'manual']),
  /** The step's prose as Markdown (rendered by the UI, raw HTML never trusted). */
  prose: z.string(),
  /** The action's text as written (placeholders not filled in). */
  command: z.string().nullable(),
  target: z.string().nullable(),
  mutates: z.array(z.string()),
  confirm: z.boolean(),
  idempotent: z.boolean(),
  expectations: z.array(z.string()),
  /** The step's own time limit (null: none set); a running step shows it beside its elapsed time. */
  timeoutMs: z.number().int().positive().nullable(),
});
export type StepView = z.infer<typeof StepView>;

export const RunbookDetail = z.object({
  summary: RunbookSummary,
  inputs: z.record(z.string(), InputDeclaration),
  steps: z.array(StepView),
  problemList: z.array(Problem),
});
export type RunbookDetail = z.infer<typeof RunbookDetail>;

/** What the engine is waiting for from the operator, if anything. */
export const Prompt = z.discriminatedUnion('kind', [
  /** Before every automated step: run it, skip it (with a reason) or abort. */
  z.object({ kind: z.literal('before-step'), idx: z.number().int() }),
  z.object({ kind: z.literal('manual'), idx: z.number().int() }),
  /** `environment` set: a protected environment, whose name must be typed. */
  z.object({ kind: z.literal('confirm'), idx: z.number().int(), environment: z.string().nullable() }),
  z.object({ kind: z.literal('failed'), idx: z.number().int(), reason: z.string() }),
  /** `reason`: why the step's outcome is unknown, when it went in doubt in this run (absent after a crash). */
  z.object({ kind: z.literal('in-doubt'), idx: z.number().int(), reason: z.string().optional() }),
]);
export type Prompt = z.infer<typeof Prompt>;

/** How a step's last snapshot went, for the progress bar and then its size and checksum. */
export const SnapshotProgress = z.object({
  idx: z.number().int(),
  target: z.string(),
  phase: z.enum(['start', 'progress', 'verified']),
  done: z.number().optional(),
  total: z.number().optional(),
  bytes: z.number().optional(),
  sha256: z.string().optional(),
});
export type SnapshotProgress = z.infer<typeof SnapshotProgress>;

export const RunDetail = z.object({
  run: Run,
  steps: z.array(RunStep),
  /** The runbook's steps as bound to this run (prose, command, target). */
  stepViews: z.array(StepView),
  runbookTitle: z.string(),
  environmentProtected: z.boolean(),
  /** Live only while this process drives the run. */
  live: z.boolean(),
  prompt: Prompt.nullable(),
  snapshots: z.array(Snapshot),
  snapshotProgress: z.array(SnapshotProgress),
  /** Expectation results and other step notes, as recorded. */
  deviations: z.array(z.object({ kind: z.string(), idx: z.number().int().nullable(), text: z.string(), at: z.string() })),
  events: z.array(z.object({ seq: z.number().int(), at: z.string(), kind: z.string(), operator: z.string(), idx: z.number().int().nullable(), summary: z.string() })),
  reviews: z.array(z.object({ seq: z.number().int(), at: z.string(), reviewer: z.string(), note: z.string() })),
  /** Where the run's rows differ from its audit trail (edited outside Handrail); `run` and `steps` show the trail's values. */
  tampering: z.array(RecordMismatch),
  /** Team locks the run's end or abort could not release (taken with another ledger login): which, and who may release them. */
  teamLocksKept: z.array(z.string()).optional(),
  /** Until the run ends: team locks a resume goes on under that its end will not be able to release. */
  teamLocksInherited: z.array(z.string()).optional(),
  /** What the status says once deviations are counted (core/audit/run-verdict.ts), and how many. */
  verdict: RunVerdict,
  deviationCount: z.number().int().min(0),
  /** What a resume in this console did before the run went on (a leftover command it stopped), in the words the CLI prints. */
  notices: z.array(z.string()),
});
export type RunDetail = z.infer<typeof RunDetail>;

export const RunListQuery = z.object({
  operator: z.string().max(200).optional(),
  runbook: z.string().max(200).optional(),
  environment: z.string().max(200).optional(),
  status: Run.shape.status.optional(),
  /** Runs started for this incident or ticket id. */
  incident: z.string().max(200).optional(),
  /** Full-text search over events and output; only runs with a hit. */
  text: z.string().max(500).optional(),
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(1000).default(200),
});

export const RunListItem = Run.pick({ id: true, runbookId: true, runbookVersion: true, environment: true, operator: true, status: true, startedAt: true, finishedAt: true, incident: true }).extend({
  /** Where the row differs from the run's audit trail; the fields above are then the trail's. */
  tampering: z.array(RecordMismatch),
});
export type RunListItem = z.infer<typeof RunListItem>;

/** A run as the Audit list shows it: its verdict beside its status (status keeps its meaning). */
export const RunListEntry = RunListItem.extend({ verdict: RunVerdict, deviations: z.number().int().min(0) });
export type RunListEntry = z.infer<typeof RunListEntry>;

export const AuditStatus = z.object({
  ok: z.boolean(),
  events: z.number().int(),
  checkpoints: z.number().int(),
  /** The first problem, in words, when not ok. */
  firstProblem: z.string().nullable(),
  checkedAt: z.string(),
});
export type AuditStatus = z.infer<typeof AuditStatus>;

/** What the operator answers to a prompt. */
export const StepDecision = z.discriminatedUnion('action', [
  z.object({ action: z.literal('run') }),
  z.object({ action: z.literal('retry') }),
  z.object({ action: z.literal('done'), note: Text.optional() }),
  z.object({ action: z.literal('skip'), reason: Text.min(1) }),
  z.object({ action: z.literal('abort') }),
  /** For a confirmation: the typed environment name (protected) or just yes. */
  z.object({ action: z.literal('confirm'), typed: Text.optional() }),
  z.object({ action: z.literal('stop') }),
]);
export type StepDecision = z.infer<typeof StepDecision>;

/** One step of a recording (`handrail record`, the app's recorder), as the author edits it. */
export const RecordedStep = z.object({
  /** Given by the recorder when the command runs; edits name steps by it (the recorded facts — command, target, output, exit code — stay as recorded). */
  id: z.string().max(100).default(''),
  title: z.string().max(500),
  /** The command as typed; it becomes the step's `sh` block. */
  command: z.string().max(100_000),
  target: z.string().max(200),
  /** Prose the author adds above the command (Markdown). */
  prose: z.string().max(100_000).default(''),
  /** Output of the recorded run, kept as an example in a `text` block (redacted, capped). */
  exampleOutput: z.string().max(1_000_000).default(''),
  exitCode: z.number().int().nullable().default(null),
  durationMs: z.number().min(0).default(0),
  mutates: z.array(z.string().max(200)).default([]),
  confirm: z.boolean().default(false),
  idempotent: z.boolean().default(false),
  /** Why the command looks destructive (empty: it does not); shown for review before saving. */
  destructive: z.array(z.string()).default([]),
});
export type RecordedStep = z.infer<typeof RecordedStep>;

export const RecordingDraft = z.object({
  id: z.string(),
  title: z.string(),
  environment: z.string(),
  target: z.string(),
  operator: z.string(),
  startedAt: z.string(),
  steps: z.array(RecordedStep),
  /** Set once saved into the workspace. */
  savedPath: z.string().nullable(),
});
export type RecordingDraft = z.infer<typeof RecordingDraft>;

/** A recording as the recorder lists them, to reopen one (drafts survive a crash). */
export const RecordingSummary = RecordingDraft.pick({ id: true, title: true, environment: true, target: true, operator: true, startedAt: true, savedPath: true }).extend({
  steps: z.number().int(),
  updatedAt: z.string(),
});
export type RecordingSummary = z.infer<typeof RecordingSummary>;

export const RunbookVersionEntry = z.object({
  version: z.string(),
  sha256: z.string(),
  /** Why it was stored: saved in the editor or recorder, or run. */
  reason: z.enum(['saved', 'run', 'imported', 'recorded', 'seen']),
  recordedAt: z.string(),
  recordedBy: z.string(),
});
export type RunbookVersionEntry = z.infer<typeof RunbookVersionEntry>;

const SourceText = z.string().max(1_000_000);
/** A runbook file name inside the workspace, e.g. `reset-pilot.md` or `db/rotate.md`. */
export const WorkspaceFile = z.string().min(1).max(300).regex(/^(?!\/)(?!.*\.\.)[A-Za-z0-9._/-]+\.md$/);

const Ok = z.object({ ok: z.literal(true) });

/** Every operation: name → request and response schema. */
export const API = {
  appInfo: {
    request: z.object({}),
    response: z.object({ version: z.string(), operator: z.string(), workspace: z.string(), dataDir: z.string(), audit: AuditStatus }),
  },
  listRunbooks: { request: z.object({}), response: z.object({ runbooks: z.array(RunbookListItem), inventoryProblems: z.array(Problem) }) },
  getRunbook: { request: z.object({ id: Id }), response: RunbookDetail },
  listEnvironments: { request: z.object({}), response: z.object({ environments: z.array(EnvironmentInfo) }) },
  startRun: {
    request: z.object({
      runbook: Id,
      environment: Id,
      inputs: z.record(z.string(), z.string().max(100_000)),
      acceptHostKeys: z.array(z.string().max(200)).max(20).optional(),
      /** The operator's typed break-glass reason (see the CLI's --break-glass). */
      breakGlass: z.string().max(2000).optional(),
      /** The approval an approver sent (the text of PLAN.sig from `handrail approve`), for an environment that requires one. */
      approval: z.string().max(64_000).optional(),
      /** The incident or ticket the run is for (checked by the app: contract/incident.ts). */
      incident: z.string().max(1000).optional(),
    }),
    response: z.object({ runId: z.string() }),
  },
  /** What a run would do with these choices, resolved, and nothing done (`handrail plan`). */
  planRun: {
    request: z.object({ runbook: Id, environment: Id, inputs: z.record(z.string(), z.string().max(100_000)) }),
    response: z.object({ id: z.string(), text: z.string(), plan: Plan }),
  },
  resumeRun: {
    request: z.object({
      runId: Id,
      inputs: z.record(z.string(), z.string().max(100_000)).default({}),
      // Stop a step's command still running from the run that died before going on; without it such a resume is refused.
      stopLeftovers: z.boolean().optional(),
    }),
    response: z.object({ runId: z.string() }),
  },
  /**
   * Before Resume is pressed on an interrupted or failed run: the team locks a resume here would
   * leave held (this machine's ledger login may not release them), or why the ledger was not asked.
   */
  resumeOutlook: { request: z.object({ runId: Id }), response: z.object({ locks: z.array(z.string()), unchecked: z.string().optional() }) },
  decide: { request: z.object({ runId: Id, idx: z.number().int().min(0), decision: StepDecision }), response: Ok },
  /** `reason` is kept in the audit trail (an interrupted run's abort records it). */
  abortRun: { request: z.object({ runId: Id, reason: z.string().max(2000).optional() }), response: Ok },
  listRuns: { request: RunListQuery, response: z.object({ total: z.number().int(), runs: z.array(RunListEntry) }) },
  getRun: { request: z.object({ runId: Id }), response: RunDetail },
  getOutput: {
    request: z.object({ runId: Id, idx: z.number().int().min(0), attempt: z.number().int().min(1), fromChunk: z.number().int().min(0).default(0) }),
    response: z.object({ chunks: z.array(z.object({ seq: z.number().int(), stream: z.enum(['stdout', 'stderr']), text: z.string() })), more: z.boolean(), storedBytes: z.number(), cutBytes: z.number() }),
  },
  listSnapshots: { request: z.object({}), response: z.object({ snapshots: z.array(Snapshot) }) },
  restoreSnapshot: {
    request: z.object({ snapshotId: Id, typed: Text.optional() }),
    response: z.object({ restored: Snapshot, before: Snapshot }),
  },
  verifyAudit: { request: z.object({}), response: AuditStatus.extend({ problems: z.array(z.object({ seq: z.number().int(), kind: z.string(), message: z.string() })) }) },
  searchAudit: {
    request: z.object({ text: z.string().min(1).max(500), runId: Id.optional(), limit: z.number().int().min(1).max(1000).default(100) }),
    response: z.object({
      hits: z.array(
        z.object({
          /** An audit event, or a chunk of a step's stored output (which is not an event: no seq). */
          source: z.enum(['event', 'output']),
          seq: z.number().int().nullable(),
          at: z.string(),
          kind: z.string(),
          runId: z.string().nullable(),
          /** The step (0-based) and attempt of an output hit, for getOutput; the step of an event. */
          stepIdx: z.number().int().nullable(),
          attempt: z.number().int().nullable(),
          operator: z.string(),
          /** The text around the match, each match between « and ». */
          snippet: z.string(),
        }),
      ),
    }),
  },
  exportAudit: {
    request: z.object({ runId: Id.optional(), format: z.enum(['jsonl', 'md', 'html']) }),
    response: z.object({ fileName: z.string(), mediaType: z.string(), content: z.string() }),
  },
  reviewRun: { request: z.object({ runId: Id, note: Text.min(1) }), response: z.object({ seq: z.number().int() }) },
  /** The Audit view's team scope: a page of every machine's runs from the team ledger, each checked against its machine's pinned key. */
  listTeamRuns: { request: TeamRunQuery, response: TeamRunPage },
  /** One run of the team ledger, as `show RUN --team` reads it: checked against its machine's pinned key. */
  getTeamRun: { request: TeamRunRef, response: TeamRunView },
  /** Approval requests in the team ledger no one has signed yet, newest first. */
  listApprovalRequests: { request: z.object({}), response: z.object({ requests: z.array(ApprovalRequestEntry) }) },
  /** One request with its plan's whole text, checked as a plan file is before an approver is shown it. */
  getApprovalRequest: { request: z.object({ requestId: Id }), response: ApprovalRequestPlan },
  /** Signs the request's plan with the approver's SSH key, as `handrail approve --request` does, and posts it. */
  approveRequest: { request: ApproveRequest, response: ApprovedRequest },

  // Authoring: the editor, version history, the recorder and import.
  /** The validator on unsaved text: the same problems and positions as `handrail validate`. */
  validateText: {
    request: z.object({ path: WorkspaceFile, text: SourceText }),
    /** `steps`: the editor's preview, as the Run view will show them (the readable steps, even with problems). */
    response: z.object({ problems: z.array(Problem), steps: z.array(StepView) }),
  },
  getRunbookSource: { request: z.object({ id: Id }), response: z.object({ path: z.string(), text: z.string(), version: z.string(), sha256: z.string() }) },
  /**
   * Writes a runbook into the workspace. `bump` raises the front matter's version first
   * (`none`: keep it, for a new file). Refused while it has errors, unless `draft` (then it
   * is written as `NAME.draft.md`, which nothing runs).
   */
  saveRunbook: {
    request: z.object({ path: WorkspaceFile, text: SourceText, bump: z.enum(['none', 'patch', 'minor', 'major']), draft: z.boolean().default(false) }),
    /** `text`: what was written (with the raised version), for the editor to carry on from; `id`: the runbook's id. */
    response: z.object({ path: z.string(), id: z.string(), version: z.string(), sha256: z.string(), problems: z.array(Problem), text: z.string() }),
  },
  runbookHistory: { request: z.object({ id: Id }), response: z.object({ versions: z.array(RunbookVersionEntry) }) },
  runbookDiff: {
    request: z.object({ id: Id, from: z.string().max(100), to: z.string().max(100) }),
    response: z.object({ from: z.object({ version: z.string(), text: z.string() }), to: z.object({ version: z.string(), text: z.string() }), unified: z.string() }),
  },
  startRecording: {
    request: z.object({
      environment: Id,
      target: Id,
      title: z.string().min(1).max(500),
      /** A protected environment's name, typed: every recorded command runs there for real. */
      confirm: z.string().max(200).optional(),
      acceptHostKeys: z.array(z.string().max(200)).max(20).optional(),
    }),
    response: z.object({ draft: RecordingDraft }),
  },
  /** Recordings kept in the data directory (unsaved ones first), to reopen one. */
  listRecordings: { request: z.object({}), response: z.object({ recordings: z.array(RecordingSummary) }) },
  /** Stops the command the recording is running (its whole process group); it does not become a step. */
  stopRecordingCommand: { request: z.object({ draftId: Id }), response: Ok },
  /** Runs the command for real on the recording's target (output as `recording-output` events), then adds it as a step. */
  /**
   * Runs a command and records it. A command that looks destructive is not run unless
   * `runDestructive` is set: the response then carries `held` (the reasons) to show first.
   */
  recordCommand: {
    request: z.object({ draftId: Id, command: z.string().min(1).max(100_000), runDestructive: z.boolean().default(false) }),
    response: z.object({ draft: RecordingDraft, held: z.array(z.string()).optional() }),
  },
  /** The author's edits: reorder, delete, retitle, prose, mutates / confirm / idempotent. */
  updateRecording: { request: z.object({ draftId: Id, title: z.string().min(1).max(500), steps: z.array(RecordedStep) }), response: z.object({ draft: RecordingDraft }) },
  getRecording: { request: z.object({ draftId: Id }), response: z.object({ draft: RecordingDraft }) },
  /** Saves the recording as a new runbook (version 1.0.0) in the workspace. */
  saveRecording: {
    request: z.object({
      draftId: Id,
      path: WorkspaceFile,
      /**
       * Steps (0-based) flagged destructive that the author reviewed and saves without
       * `confirm`. Flagged steps get `confirm` when recorded; saving refuses a flagged step
       * that has neither `confirm` nor its index here.
       */
      acknowledged: z.array(z.number().int().min(0)).max(10_000).default([]),
    }),
    response: z.object({ path: z.string(), id: z.string(), problems: z.array(Problem) }),
  },
  /**
   * A shell script or a Markdown runbook turned into a runbook draft (not written anywhere).
   * `format` says which (when absent, a name ending in .md or .markdown means Markdown);
   * `target`, when given, is put on every shell step.
   */
  importScript: {
    request: z.object({
      text: SourceText,
      name: z.string().max(300).default('script.sh'),
      format: z.enum(['shell', 'markdown']).optional(),
      target: z.string().max(100).regex(new RegExp(NAME_PATTERN)).optional(),
    }),
    response: z.object({ markdown: z.string(), warnings: z.array(z.string()) }),
  },
} as const;

export type ApiName = keyof typeof API;
export type ApiRequest<N extends ApiName> = z.input<(typeof API)[N]['request']>;
export type ApiParsedRequest<N extends ApiName> = z.output<(typeof API)[N]['request']>;
export type ApiResponse<N extends ApiName> = z.output<(typeof API)[N]['response']>;
export const API_NAMES = Object.keys(API) as ApiName[];

/** What src/app implements: one async function per operation, taking the parsed request. */
export type ConsoleApi = { [N in ApiName]: (request: ApiParsedRequest<N>) => Promise<ApiResponse<N>> };

/** What the renderer calls: the same functions, taking the request before defaults. */
export type ConsoleClient = { [N in ApiName]: (request: ApiRequest<N>) => Promise<ApiResponse<N>> };

/** Pushed to every open console while something changes. */
export const ConsoleEvent = z.discriminatedUnion('type', [
  /** A run changed (step state, prompt, status): fetch getRun again. */
  z.object({ type: z.literal('run-changed'), runId: z.string() }),
  /** Live output of a step, already redacted, as text (UTF-8, invalid bytes replaced). */
  z.object({ type: z.literal('output'), runId: z.string(), idx: z.number().int(), stream: z.enum(['stdout', 'stderr']), text: z.string() }),
  z.object({ type: z.literal('snapshot'), runId: z.string().nullable(), progress: SnapshotProgress }),
  /** Live output of a command being recorded. */
  z.object({ type: z.literal('recording-output'), draftId: z.string(), stream: z.enum(['stdout', 'stderr']), text: z.string() }),
  /** Restore progress (no run). */
  z.object({ type: z.literal('restore'), snapshotId: z.string(), phase: z.string(), done: z.number(), total: z.number() }),
  /** The runbooks listed as `judging` are judged now: list them again. */
  z.object({ type: z.literal('runbooks-judged') }),
]);
export type ConsoleEvent = z.infer<typeof ConsoleEvent>;

/**
 * A refused or failed operation, as both bindings carry it: what failed, what was left
 * unchanged, what to do next — already in words for the operator.
 */
export const ApiError = z.object({
  message: z.string(),
  code: z.enum(['refused', 'invalid', 'not-found', 'failed']),
  /** A resume refused because a step's command from the run that died still runs: what runs, for the page to show before it offers to stop it. */
  leftovers: z.array(RunningLeftover).optional(),
});
export type ApiError = z.infer<typeof ApiError>;

/** The WebSocket's messages (`handrail serve`): a call, its answer, or a pushed event. */
export const WireCall = z.object({ id: z.number().int().min(0), op: z.enum(API_NAMES as [ApiName, ...ApiName[]]), request: z.unknown() });
export type WireCall = z.infer<typeof WireCall>;
export type WireMessage =
  | { id: number; result: unknown }
  | { id: number; error: ApiError }
  | { event: ConsoleEvent };

/**
 * What Electron's preload exposes as `window.handrail`: one function per operation, each
 * rejecting with a plain ApiError object (Electron's contextBridge would drop an Error's
 * `code`), and a subscription to the event stream that returns its unsubscribe function.
 */
export type ConsoleBridge = ConsoleClient & { onEvent(listener: (event: ConsoleEvent) => void): () => void };
