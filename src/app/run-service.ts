// Starting and resuming runs: the guards, the store, the targets and the engine put
// together. Both the CLI and (later) the consoles call only this.
import { relative } from 'node:path';
import { incidentProblem } from '../contract/incident.js';
import type { Run, RunStep } from '../contract/run.js';
import type { InputDeclaration, Step } from '../contract/runbook.js';
import { MASK as REDACTED, Redactor } from '../core/engine/redact.js';
import { breakGlassDeviation, breakGlassReasonProblem, DEVIATION_EVENT, type Waivable } from '../core/guards/break-glass.js';
import { missingSecretInput } from '../core/guards/resume-secrets.js';
import type { EngineOutcome } from '../core/engine/run-engine.js';
import type { EngineEvent, OperatorPort } from '../core/engine/run-ports.js';
import type { AppDatabase } from '../store/open-database.js';
import type { RunStore } from '../store/run-store.js';
import { runsOfIncident } from '../store/incident-runs.js';
import { clearStopNote, describeStop, noteStop, prepareStopNotes, stopReason } from '../store/run-stop-notes.js';
import { describeStorageFault, storageAdvice, storageFaultKind, tooLittleRoom } from '../store/storage-fault.js';
import type { SnapshotStore } from '../store/snapshot-store.js';
import { type AppContext, ContextService } from './app-context.js';
import { AuditTailGuard } from './audit-tail-guard.js';
import type { RunVerdictInfo } from '../core/audit/run-verdict.js';
import { runReviews, type Review } from './audit-search-service.js';
import { runGuardLines, type RunGuardLines } from './run-guard-lines.js';
import { UserError } from './errors.js';
import { findRun } from './find-by-prefix.js';
import { verdictsOf } from './run-verdicts.js';
import { newId } from './ids.js';
import { expandPath } from './paths.js';
import { storeJournal } from './run-journal.js';
import { checkRun, checkRuns, tamperRefusal, type CheckedRun, type CheckedRunDetail } from './run-records.js';
import type { RunTeam, TeamLocks } from './team/run-team.js';
import { recordInherited, recordKept } from './team/team-lock-kept.js';
import { teamConfig } from './team/team-config.js';
import type { HeldTargetLock } from './target-locks.js';
import { findLeftovers, refuseLeftovers, refuseLeftoversElsewhere, stopLeftovers } from './leftover-steps.js';
import { settleRemoteLeftovers, unreachableLeftover } from './remote-leftovers.js';
import { type AskStopLeftover, choseToStop, runningLeftover, stepCommands } from './leftover-question.js';
import { SshSession } from '../targets/ssh/ssh-session.js';
import type { RunPlan } from './run-plan.js';
import { operatorBody, type Settings } from './settings.js';
import type { TargetOptions } from './targets.js';
import type { RunbookVersions } from './runbook-versions.js';
import { runMachinery, type RunMachinery } from './load-run-machinery.js';
import { nameStorageFault, storageFaultError } from './storage-faults.js';
import type { RunApproval } from './run-approval.js';
import { eventsInScope } from '../store/audit-events-read.js';
import { toReportEvent } from '../core/audit/report-model.js';

/** A resume continues the run it names, for the incident that run was started for. */
export interface ResumeRequest extends Omit<StartRequest, 'runbook' | 'environment' | 'incident'> {
  /**
   * The operator chose to stop a step's command still running from the run that died
   * (TERM, then KILL) before the run goes on; without it such a resume is refused.
   */
  stopLeftovers?: boolean;
}

export interface StartRequest {
  runbook: string;
  environment: string;
  inputs: Record<string, string>;
  /** SHA256 fingerprints of SSH host keys the operator accepted (`--accept-host-key`). */
  acceptHostKeys?: string[];
  /**
   * The operator's typed reason to go past a guard that cannot be satisfied now (an approval,
   * the team ledger's lock). Only those guards use it, and each one it waives is recorded
   * with `recordDeviation`; every other guard holds whatever is typed.
   */
  breakGlass?: string;
  /** The approval file (PLAN.sig, absolute) for an environment with `approval:` (run-approval.ts). */
  approval?: string;
  /** The approval's text instead of its file (the console, where it is pasted). */
  approvalText?: string;
  /** Or the id of an approval request in the team ledger, whose posted approvals are checked as files are. */
  approvalRequest?: string;
  /** The incident or ticket the run is for (`--incident`); kept on the run and in its run.started event. */
  incident?: string | undefined;
}

export interface RunSession {
  operator: OperatorPort;
  /** Asks for an SSH key's passphrase (a terminal prompt); absent when nobody can answer. */
  askPassphrase?: (prompt: string) => Promise<string>;
  onEvent: (event: EngineEvent) => void;
  signal: AbortSignal;
  /** Called once the run exists, before its first step. */
  onStart?: (run: Run, plan: RunPlan) => void;
  /** Called after onStart with how the run's approval stands (`approved by …`), when it needed or had one. */
  onApproval?: (text: string) => void;
  /** A line for the operator before the run goes on (a leftover stopped, here or on an SSH host). */
  onNotice?: (text: string) => void;
  /** Shows a step's command still running from the run that died and asks whether to stop it (leftover-question.ts); absent: refused. */
  askStopLeftover?: AskStopLeftover;
}

export interface RunResult {
  run: Run;
  outcome: EngineOutcome;
  /** Team locks its end could not release (recorded on the run too), for the operator to read after its outcome. */
  teamLocksKept?: string[];
}

export class RunService extends ContextService {
  private readonly db: AppDatabase;
  readonly store: RunStore;
  readonly snapshots: SnapshotStore;
  private readonly auditTail: AuditTailGuard;
  /** Every runbook content run here is stored by hash; a changed one needs a new version. */
  readonly versions: RunbookVersions;
  /**
   * The fault that showed the data folder's disk is full, when it is: the database can be
   * read but nothing can be recorded, so nothing is started.
   */
  private fullDisk: { error: unknown; atOpen: boolean } | undefined;
  /** Runs whose process is gone but whose interruption the full disk could not record yet. */
  private readonly unrecorded = new Set<string>();
  /** Lines for the operator about the state of the data folder (a full disk), printed by reading commands. */
  readonly notices: string[] = [];
  /** Guards waived by break-glass in this process, per run (so an unused --break-glass can be said). */
  private readonly waivers = new Map<string, number>();

  constructor(settings: Settings, shared?: AppContext) {
    super(settings, shared);
    this.db = this.context.database;
    this.store = this.context.store;
    this.snapshots = this.context.snapshots;
    this.versions = this.context.versions;
    this.auditTail = new AuditTailGuard(this.db.db, this.store, settings.dataDir);
    if (this.db.fullDisk !== undefined) this.fullDisk = { error: this.db.fullDisk, atOpen: true };
    this.noticeInterruptedRuns();
    if (this.fullDisk) {
      this.notices.push(
        `${describeStorageFault(this.fullDisk.error, settings.dataDir)}. Reading works; nothing can be recorded, so no run, resume or snapshot can start until there is room.`,
      );
    }
  }

  /**
   * A run whose process is gone was interrupted (crash, kill -9, power loss); the store marks
   * it, its running step in doubt, and records the event. Done at start, and again by a
   * long-lived console before it shows runs, since a CLI run can die while the console is open.
   * Each interruption ends a run, so the audit chain gets its signed checkpoint, unless its
   * tail is broken: signing it would make the break invisible to the next check.
   */
  noticeInterruptedRuns(): number {
    // A connection opened on a full disk can only read; a write that failed is tried again
    // (a console lives for days, and the disk gets room again).
    if (!this.fullDisk?.atOpen) {
      try {
        const dataDir = this.settings.dataDir;
        const marked = this.store.markInterruptedRuns((id) => {
          const reason = stopReason(dataDir, id);
          return reason && describeStop(dataDir, reason);
        });
        for (const run of marked) clearStopNote(dataDir, run.runId);
        // A step's command that outlived the process (kill -9) is named where a reviewer looks,
        // before anyone decides about the step.
        for (const { runId } of marked) {
          for (const left of findLeftovers(this.store, runId)) {
            this.store.appendEvent({
              operator: this.settings.operator,
              kind: 'step.process.alive',
              runId,
              stepIdx: left.idx,
              body: { pid: left.pid, attempt: left.attempt, startedAt: left.startedAt, report: `${left.description} is still running from the run that died` },
            });
          }
        }
        if (marked.length > 0 && !this.auditTail.problem()) this.store.checkpoint();
        this.fullDisk = undefined;
        this.unrecorded.clear();
        return marked.length;
      } catch (error) {
        // A reading command must still work on a full disk: the marking waits for room.
        if (storageFaultKind(error, this.settings.dataDir) !== 'full') throw error;
        this.fullDisk = { error, atOpen: false };
      }
    }
    for (const dead of this.store.deadRuns()) {
      if (this.unrecorded.has(dead.runId)) continue;
      this.unrecorded.add(dead.runId);
      this.notices.push(
        `run ${dead.runId}: its process (pid ${dead.pid}) is gone, so it is shown as interrupted; ` +
          'that is not recorded yet (the disk is full), and the next command records it once there is room.',
      );
    }
    return 0;
  }

  /** Refuses, before anything is recorded or run, when the data folder's disk is full (or nearly). */
  requireRoom(what: string): void {
    const { dataDir } = this.settings;
    if (this.fullDisk && !this.fullDisk.atOpen) this.noticeInterruptedRuns();
    if (this.fullDisk) throw storageFaultError(this.fullDisk.error, dataDir, `${what} was not started; nothing was changed.`);
    const little = tooLittleRoom(dataDir);
    if (little) throw new UserError(`${little[0]?.toUpperCase() ?? ''}${little.slice(1)}. ${what} was not started; nothing was changed. ${storageAdvice(dataDir)}.`, 1);
  }

  /** A run whose dead process the full disk could not record is shown as what it is: interrupted. */
  private asKnown(run: Run): Run {
    return run.status === 'running' && this.unrecorded.has(run.id) ? { ...run, status: 'interrupted' } : run;
  }

  /** The start-up check of the audit trail's tail: its first problem, or null when intact. */
  auditTailProblem(): ReturnType<AuditTailGuard['problem']> {
    return this.auditTail.problem();
  }

  /** Checks the guards; nothing is created or run when they refuse. */
  async plan(request: StartRequest, cwd: string): Promise<RunPlan> {
    this.requireRoom(`The run of ${request.runbook}`);
    const { locateRunbook, loadInventory, readSource, loadShellGrammar, planRun, versionRefusal } = await runMachinery();
    try {
      refuseWeakBreakGlass(request.breakGlass);
      checkIncident(request.incident);
      const path = await locateRunbook(request.runbook, this.settings.workspace, cwd);
      const inventory = await loadInventory(this.settings.workspace);
      const [source] = await readSource(path);
      await loadShellGrammar();
      const plan = planRun(relative(this.settings.workspace, path), source, inventory, request.environment, request.inputs);
      const changed = versionRefusal(plan.runbook, this.versions);
      if (changed) throw new UserError(changed);
      return plan;
    } catch (error) {
      if (error instanceof UserError) this.refused(request, error.message);
      throw error;
    }
  }

  /** The inputs a runbook declares; empty when it cannot be read (plan() then says why). */
  async declaredInputs(ref: string, cwd: string): Promise<Record<string, InputDeclaration>> {
    const { locateRunbook, readSource, parseRunbook } = await runMachinery();
    try {
      const path = await locateRunbook(ref, this.settings.workspace, cwd);
      const [bytes, size] = await readSource(path);
      return parseRunbook(path, bytes, size).runbook?.frontMatter.inputs ?? {};
    } catch {
      return {};
    }
  }

  /**
   * A guard waived by break-glass, recorded in the run's trail (in the caller's transaction
   * when there is one) so it leads every report and the run's verdict.
   */
  recordDeviation(runId: string, stepIdx: number | null, waived: Waivable, reason: string, detail?: string): void {
    this.waivers.set(runId, (this.waivers.get(runId) ?? 0) + 1);
    this.store.appendEvent({
      operator: this.settings.operator,
      kind: DEVIATION_EVENT,
      runId,
      stepIdx,
      body: { ...breakGlassDeviation(waived, reason, detail) },
    });
  }

  /** How many guards break-glass waived in `runId` while this process ran it. */
  waivedIn(runId: string): number {
    return this.waivers.get(runId) ?? 0;
  }

  /** The approval decision; a refusal is recorded (`approval.refused`, with the signer's principal and key) and thrown. */
  private async approvalOr(request: Pick<StartRequest, 'runbook' | 'environment'>, decide: () => Promise<RunApproval>): Promise<RunApproval> {
    const { ApprovalRefused } = await runMachinery();
    try {
      return await decide();
    } catch (error) {
      if (error instanceof ApprovalRefused) {
        this.store.appendEvent({ operator: this.settings.operator, kind: 'approval.refused', runId: null, body: { runbook: request.runbook, environment: request.environment, ...error.body, reason: error.message } });
      }
      throw error;
    }
  }

  /** The plan ids the run's accepted approvals were for. */
  private approvedPlans(runId: string): string[] {
    return eventsInScope(this.db.db, { runId, since: null, until: null }, ['step.output'])
      .filter((e) => e.kind === 'approval.accepted')
      .map((e) => toReportEvent(e).body?.planId)
      .filter((id): id is string => typeof id === 'string');
  }

  /** Call in the run's transaction: the approval (or its waiver) is in the trail with the run it let start. */
  private recordApproval(runId: string, approval: RunApproval): void {
    if (approval.kind === 'approved') this.store.appendEvent({ operator: this.settings.operator, kind: 'approval.accepted', runId, body: { ...approval.body, ...operatorBody(this.settings) } });
    if (approval.kind === 'waived') this.recordDeviation(runId, null, 'approval', approval.reason, approval.detail);
  }

  /** A guard's refusal is recorded too: who tried what, where, and why it was refused. */
  refused(request: Pick<StartRequest, 'runbook' | 'environment'>, reason: string): void {
    this.store.appendEvent({
      operator: this.settings.operator,
      kind: 'guard.refused',
      runId: null,
      body: { runbook: request.runbook, environment: request.environment, reason },
    });
  }

  async start(plan: RunPlan, request: StartRequest, session: RunSession): Promise<RunResult> {
    const fm = plan.runbook.frontMatter;
    const redactor = new Redactor(plan.secrets);
    const inputs = Object.fromEntries(
      Object.entries(plan.inputs).map(([k, v]) => [k, fm.inputs?.[k]?.secret ? REDACTED : (v ?? '')]),
    );
    const runId = newId();
    const { decideRunApproval, approvalSaid } = await runMachinery();
    const approval = await this.approvalOr(request, async () =>
      request.approvalRequest === undefined
        ? decideRunApproval(this.settings, plan, request)
        : (await import('./approval-requests/run-approval-request.js')).decideRequestApproval(this.settings, plan, request.approvalRequest, request.breakGlass));
    const { openTargets, lockTargets, releaseTargets, lockKey } = await runMachinery();
    const targets = await openTargets(plan, this.targetOptions(request, session)).catch((error: unknown) => {
      if (error instanceof UserError) this.refused(request, error.message);
      throw error;
    });
    // The team's lock first: it is the wider one, and its refusal names a holder on any machine.
    const team = await this.teamLocks(plan, { id: runId, environment: plan.environmentName }, request.breakGlass).catch(async (error: unknown) => {
      await targets.close();
      if (error instanceof UserError) this.refused(request, error.message);
      throw error;
    });
    const targetLocks = await lockTargets(plan, runId, this.settings).catch(async (error: unknown) => {
      await targets.close();
      await team?.team.release(runId, 'the run was refused before it started');
      if (error instanceof UserError) this.refused(request, error.message);
      throw error;
    });
    let run: Run;
    try {
      // The run and its locks appear together or not at all: a lock refusal leaves no run behind.
      run = this.store.atomically(() => {
        const created = this.store.createRun({
          id: runId,
          runbookId: fm.id,
          runbookVersion: fm.version,
          runbookSha256: plan.runbook.sha256,
          runbookPath: plan.runbook.path,
          runbookSource: plan.source,
          environment: plan.environmentName,
          operator: this.settings.operator,
          inputs,
          incident: request.incident ?? null,
          steps: plan.runbook.steps.map((s) => ({ idx: s.index, title: s.title, kind: s.action?.kind ?? 'manual', target: s.action?.attributes.target ?? null })),
        });
        this.lockDatabases(plan, runId, lockKey);
        // Checked again here, in the run's transaction: another process may have stored other bytes under this version since plan().
        this.versions.record({ runbookId: fm.id, version: fm.version, source: plan.source, reason: 'run', operator: this.settings.operator });
        // In the run's transaction: a run row is never without the event every screen checks it against.
        this.store.appendEvent({
          operator: this.settings.operator,
          kind: 'run.started',
          runId,
          body: { runbook: fm.id, version: fm.version, sha256: plan.runbook.sha256, environment: plan.environmentName, inputs,
            ...(request.incident !== undefined ? { incident: request.incident } : {}), ...operatorBody(this.settings),
            ...(plan.warnings.length > 0 ? { warnings: plan.warnings } : {}) },
        });
        this.recordApproval(runId, approval);
        this.recordTeamWaiver(runId, team, request.breakGlass);
        return created;
      });
    } catch (error) {
      await targets.close();
      await releaseTargets(targetLocks);
      await team?.team.release(runId, 'the run could not be recorded');
      throw error;
    }
    session.onStart?.(run, plan);
    const said = approvalSaid(approval);
    if (said) session.onApproval?.(said);
    return this.drive(run, plan, plan.runbook.steps.map(() => 'pending' as const), targets, targetLocks, redactor, session, team);
  }

  /** Continues an interrupted or failed run with the exact runbook bytes it started with. */
  async resume(runRef: string, request: ResumeRequest, session: RunSession): Promise<RunResult> {
    this.requireRoom(`The resume of ${runRef}`);
    refuseWeakBreakGlass(request.breakGlass);
    const found = this.findRun(runRef);
    // A resume acts on the run's status and its stored runbook bytes: both must be what the chain recorded.
    const checked = checkRun(this.db.db, this.store, this.snapshots, found.id);
    const refusal = checked && tamperRefusal(checked, 'resumed');
    if (refusal) throw new UserError(refusal, 3);
    const run = checked?.run ?? found;
    if (run.status !== 'interrupted' && run.status !== 'failed') {
      throw new UserError(`run ${run.id} is ${run.status}; only an interrupted or failed run can be resumed; nothing was executed`);
    }
    // Before any decision about the cut-off step: never a second copy beside the first.
    const leftovers = findLeftovers(this.store, run.id);
    if (leftovers.length > 0) {
      refuseLeftoversElsewhere(this.store, leftovers);
      const commands = await stepCommands(this.store, run.id);
      const shown = leftovers.map((l) => runningLeftover(l, l.description, commands));
      if (!(await choseToStop(request.stopLeftovers === true, session.askStopLeftover, shown))) refuseLeftovers(run.id, leftovers, shown);
      await stopLeftovers(this.store, run.id, this.settings.operator, leftovers, session.onNotice);
    }
    const source = this.store.getRunbookSource(run.id);
    if (!source) throw new UserError(`run ${run.id} has no stored runbook; nothing was executed`);
    const { loadInventory, loadShellGrammar, planRun, openTargets, lockTargets, releaseTargets, lockKey, decideResumeApproval } = await runMachinery();
    const inventory = await loadInventory(this.settings.workspace);
    // Secret inputs were stored redacted: they must be given again, and never validated as '[REDACTED]'.
    const missingSecret = missingSecretInput(run.inputs, request.inputs);
    if (missingSecret !== undefined) {
      throw new UserError(
        `run ${run.id} needs its secret input '${missingSecret}' again (secrets are never stored); set HANDRAIL_INPUT_${missingSecret.toUpperCase()}; nothing was executed`,
      );
    }
    const stored = Object.fromEntries(Object.entries(run.inputs).map(([k, v]) => [k, String(v)]));
    await loadShellGrammar();
    const plan = planRun(run.runbookPath, source, inventory, run.environment, { ...stored, ...request.inputs });
    const approval = await this.approvalOr({ runbook: run.runbookId, environment: run.environment },
      async () => request.approvalRequest === undefined
        ? decideResumeApproval(this.settings, plan, request, () => this.approvedPlans(run.id), run.id)
        : (await import('./approval-requests/run-approval-request.js')).decideRequestApproval(this.settings, plan, request.approvalRequest, request.breakGlass));
    const targets = await openTargets(plan, this.targetOptions(request, session)).catch((error: unknown) => {
      throw unreachableLeftover(this.store, run.id, error) ?? error;
    });
    // A step cut off on an SSH host is checked there, over the connection just opened (remote-leftovers.ts).
    await this.settleRemoteLeftovers(run.id, request, session, targets).catch(async (error: unknown) => {
      await targets.close();
      throw error;
    });
    const team = await this.teamLocks(plan, run, request.breakGlass).catch(async (error: unknown) => {
      await targets.close();
      throw error;
    });
    const targetLocks = await lockTargets(plan, run.id, this.settings).catch(async (error: unknown) => {
      await targets.close();
      throw error;
    });
    let resumed: Run;
    let inherited: string[] = [];
    try {
      resumed = this.store.atomically(() => {
        this.lockDatabases(plan, run.id, lockKey);
        const updated = this.store.setRunStatus(run.id, 'running', { from: ['interrupted', 'failed'] });
        // In the same transaction: the row's status and the chain's never disagree, even for a moment.
        this.store.appendEvent({ operator: this.settings.operator, kind: 'run.resumed', runId: run.id, body: { previous: run.status, ...operatorBody(this.settings) } });
        this.recordApproval(run.id, approval);
        this.recordTeamWaiver(run.id, team, request.breakGlass);
        inherited = recordInherited(this.store, this.settings.operator, run.id, team?.locks.inherited ?? []);
        return updated;
      });
    } catch (error) {
      await targets.close();
      await releaseTargets(targetLocks);
      throw error;
    }
    // Before any step: a lock this login cannot release at the end is said now, not after.
    for (const text of inherited) session.onNotice?.(text);
    session.onStart?.(resumed, plan);
    const steps = this.store.listSteps(run.id).map((s) => s.status);
    return this.drive(resumed, plan, steps, targets, targetLocks, new Redactor(plan.secrets), session, team);
  }

  /**
   * The process is being stopped (SIGTERM, SIGHUP) while the run waits for an operator's
   * answer: no step is running, so the run is simply left interrupted, resumable.
   */
  interruptWhileWaiting(runId: string, reason: string): void {
    this.store.atomically(() => {
      this.store.setRunStatus(runId, 'interrupted', { from: ['running'] });
      this.store.appendEvent({ operator: this.settings.operator, kind: 'run.interrupted', runId, body: { reason, pid: process.pid, host: this.store.host } });
    });
    if (!this.auditTail.problem()) this.store.checkpoint();
  }

  private async settleRemoteLeftovers(runId: string, request: ResumeRequest, session: RunSession, targets: Awaited<ReturnType<RunMachinery['openTargets']>>): Promise<void> {
    const steps = this.store.listSteps(runId);
    await settleRemoteLeftovers({
      store: this.store,
      operator: this.settings.operator,
      runId,
      stop: request.stopLeftovers === true,
      breakGlass: request.breakGlass,
      session: async (idx) => {
        const target = steps.find((s) => s.idx === idx)?.target;
        const shell = target ? await targets.shell(target) : undefined;
        return shell instanceof SshSession ? shell : undefined;
      },
      recordDeviation: (stepIdx, waived, reason, detail) => this.recordDeviation(runId, stepIdx, waived, reason, detail),
      ...(session.onNotice ? { notice: session.onNotice } : {}),
      ...(session.askStopLeftover ? { ask: session.askStopLeftover } : {}),
    });
  }

  /**
   * Ends an interrupted run without running anything more: it becomes `aborted`, its locks
   * on databases are released, and the operator's reason is recorded. A run still driven by
   * a live process is refused: that process must stop it (Ctrl-C there, or the console).
   */
  abortInterrupted(runRef: string, reason: string): Run {
    if (reason.trim() === '') throw new UserError('give a reason for aborting the run (--reason "…"); it is kept in the audit trail; nothing was changed');
    this.noticeInterruptedRuns();
    const run = this.findRun(runRef);
    if (run.status !== 'interrupted') {
      const where = run.status === 'running' ? ` in process ${run.pid ?? '?'} on ${run.host ?? '?'}; stop it there (Ctrl-C, or Abort in its console)` : '';
      throw new UserError(`run ${run.id} is ${run.status}${where}; only an interrupted run can be aborted here; nothing was changed`);
    }
    const inDoubt = this.store.listSteps(run.id).filter((s) => s.status === 'in-doubt').map((s) => s.idx);
    return this.store.atomically(() => {
      const aborted = this.store.setRunStatus(run.id, 'aborted', { from: ['interrupted'] });
      this.store.appendEvent({
        operator: this.settings.operator,
        kind: 'run.aborted',
        runId: run.id,
        body: { reason, whileInterrupted: true, inDoubtSteps: inDoubt, ...operatorBody(this.settings) },
      });
      // The store signs a run's end itself (never over a broken tail).
      return aborted;
    });
  }

  /** How a target is shown before its steps run: `app (ssh deploy@pilot-1:22)`. */
  describeTarget(plan: RunPlan, name: string): string {
    const spec = plan.targets.get(name);
    if (!spec || spec === 'local') return `${name} (this machine)`;
    if ('ssh' in spec) return `${name} (ssh ${spec.ssh}:${spec.port ?? 22})`;
    if ('sqlite' in spec) return `${name} (sqlite ${expandPath(spec.sqlite, this.settings)})`;
    return `${name} (postgres ${spec.postgres})`;
  }

  /** Who holds the lock on a database, if anyone. */
  lockHolder(key: string): { runId: string; operator: string } | undefined {
    return this.store.lockHolder(key);
  }

  /** Newest first, each checked against its chain events: `run` holds the chain's values where the row differs. */
  listRuns(limit = 100, filters: { incident?: string | undefined } = {}): CheckedRun[] {
    const rows = filters.incident === undefined ? this.store.listRuns({ limit }) : runsOfIncident(this.db.db, filters.incident, limit);
    // Checked as stored; a dead run the full disk kept from being recorded is then shown as what it is.
    return checkRuns(this.db.db, rows).map((c) => ({ ...c, run: this.asKnown(c.run) }));
  }

  /** What each run's status says to a person, deviations counted (run-verdicts.ts). */
  verdicts(runs: readonly Run[]): Map<string, RunVerdictInfo> {
    return verdictsOf(this.db.db, runs);
  }

  /** A run with its steps, checked against the chain (see run-records.ts). */
  showRun(runRef: string): CheckedRunDetail {
    const found = this.findRun(runRef);
    const checked = checkRun(this.db.db, this.store, this.snapshots, found.id);
    if (!checked) throw new UserError(`no run '${runRef}' (handrail runs lists them)`);
    return { ...checked, run: this.asKnown(checked.run) };
  }

  /** Reviews of the run, read on this connection (on a full disk it is the only one there can be). */
  reviews(runId: string): Review[] {
    return runReviews(this.db, runId);
  }

  /** The run's break-glass deviations and accepted approvals, as `show` prints them. */
  guardLines(runId: string): RunGuardLines {
    return runGuardLines(this.db, runId);
  }

  /** A run id, or a unique prefix of one (as git takes commit ids). */
  findRun(ref: string): Run {
    return this.asKnown(findRun(this.store, ref));
  }

  private async drive(
    run: Run,
    plan: RunPlan,
    steps: RunStep['status'][],
    targets: Awaited<ReturnType<RunMachinery['openTargets']>>,
    targetLocks: readonly HeldTargetLock[],
    redactor: Redactor,
    session: RunSession,
    team?: { team: RunTeam; locks: TeamLocks },
  ): Promise<RunResult> {
    const refuseMutating = this.auditTail.refusalFor(run.id, this.settings.operator);
    const { executeRun, releaseTargets, lostTargetLock } = await runMachinery();
    let journal: ReturnType<typeof storeJournal>;
    try {
      prepareStopNotes(this.settings.dataDir);
      journal = storeJournal(this.store, this.snapshots, run);
    } catch (error) {
      // Nothing ran: give back what was taken for the run, as a failure below would (a console
      // outlives this run, so a lock or a ledger connection left here would stay for hours).
      await targets.close();
      await releaseTargets(targetLocks);
      await team?.team.finish(run.id, undefined);
      throw this.stoppedBy(run, error);
    }
    // Started only once nothing before the steps can throw past the finish below.
    team?.team.startShipping();
    let outcome: EngineOutcome | undefined;
    let failure: { error: unknown } | undefined;
    try {
      outcome = await executeRun({
        runbook: plan.runbook,
        environment: { name: plan.environmentName, protected: plan.environment.protected === true },
        inputs: plan.inputs,
        redactor,
        steps,
        targets,
        operator: session.operator,
        journal,
        onEvent: session.onEvent,
        signal: session.signal,
        refuseMutating,
        holdMutating: async () => team?.locks.hold ?? (await lostTargetLock(targetLocks, run.id)),
      });
    } catch (error) {
      failure = { error };
    }
    try {
      journal.close();
    } catch (error) {
      failure ??= { error };
    } finally {
      await targets.close();
    }
    if (failure || !outcome) {
      await releaseTargets(targetLocks);
      await team?.team.finish(run.id, undefined);
      throw this.stoppedBy(run, failure?.error);
    }
    const ended = outcome;
    // A refusal mid-run (no one to confirm) leaves the run resumable, like a crash would.
    const status = ended.status === 'refused' ? 'interrupted' : ended.status;
    // Filled by the finally below, before the caller reads the result.
    const teamLocksKept: string[] = [];
    try {
      const finished = this.store.atomically(() => {
        const updated = this.store.setRunStatus(run.id, status);
        this.store.appendEvent({ operator: this.settings.operator, kind: `run.${status}`, runId: run.id, body: { ...ended, ...operatorAbortReason(status, ended, session.signal) } });
        // Signed with the run's last event: a run cut from the chain later is caught by verify.
        // Not over a broken tail, which the next run's check must still find.
        if (refuseMutating === undefined) this.store.checkpoint();
        return updated;
      });
      return { run: finished, outcome: ended, teamLocksKept };
    } catch (error) {
      throw this.stoppedBy(run, error);
    } finally {
      // After the run's end is recorded: another data folder's run may go on from here.
      await releaseTargets(targetLocks);
      await team?.team.finish(run.id, status, (release) => {
        teamLocksKept.push(...recordKept(this.store, this.settings.operator, run.id, status, release, team.locks.holds === true));
      });
    }
  }

  /** The team ledger's locks for a run (src/app/team/run-team.ts); undefined when no team is configured. */
  private async teamLocks(plan: RunPlan, run: { id: string; environment: string }, breakGlass: string | undefined): Promise<{ team: RunTeam; locks: TeamLocks } | undefined> {
    const team = await this.openTeam(await (await runMachinery()).loadInventory(this.settings.workspace));
    return team && { team, locks: await team.lock(plan, run, breakGlass) };
  }

  /**
   * After an abort: the run lets go of its team locks, and the abort ships. What stayed held (a
   * lock taken with another login, a ledger that does not answer) is recorded on the run and
   * returned for the operator: never a quiet "released".
   */
  async releaseTeamLocks(runId: string): Promise<string[]> {
    const inventory = await (await runMachinery()).loadInventory(this.settings.workspace).catch(() => undefined);
    let notes: string[] = [];
    await (inventory && (await this.openTeam(inventory)))?.finish(runId, 'aborted', (release) => {
      notes = recordKept(this.store, this.settings.operator, runId, 'aborted', release, true);
    });
    return notes;
  }

  /** This data folder's part in the team ledger, or undefined when the inventory names none. */
  async openTeam(inventory: Parameters<typeof RunTeam.open>[3]): Promise<RunTeam | undefined> {
    // Loaded on use, and only with a team named: the ledger's PostgreSQL client is for team runs
    // and restores, not for reading commands or a run on one machine.
    if (teamConfig(inventory) === undefined) return undefined;
    const { RunTeam } = await import('./team/run-team.js');
    return RunTeam.open(this.settings, this.db.db, this.store, inventory);
  }

  /** Break-glass went past the team lock (the ledger was unreachable): recorded in the run's transaction. */
  private recordTeamWaiver(runId: string, team: { locks: TeamLocks } | undefined, breakGlass: string | undefined): void {
    if (team?.locks.waived !== undefined && breakGlass !== undefined) this.recordDeviation(runId, null, 'team-lock', breakGlass, team.locks.waived);
  }

  /**
   * A run the store could not follow any more (its disk is full): the process leaves a note
   * of why, so the next command records the interruption with its reason, and says what the
   * operator will find. Any other error is passed on as it is.
   */
  private stoppedBy(run: Run, error: unknown): unknown {
    const { dataDir } = this.settings;
    if (storageFaultKind(error, dataDir) === 'full') noteStop(dataDir, run.id, 'disk-full');
    return nameStorageFault(
      error,
      dataDir,
      `Run ${run.id} stopped: a step that was running may have done part or all of its work, but its end could not be recorded. ` +
        `Once there is room, the next handrail command records the run as interrupted (the step in doubt waits for your decision), and \`handrail resume ${run.id}\` continues it.`,
    );
  }

  /** Call inside a transaction: a refusal throws, and the caller's transaction rolls back. */
  private lockDatabases(plan: RunPlan, runId: string, lockKey: RunMachinery['lockKey']): void {
    for (const step of plan.runbook.steps) {
      for (const target of step.action?.attributes.mutates ?? []) {
        const spec = plan.targets.get(target);
        if (!spec) continue;
        const key = lockKey(spec, (p) => expandPath(p, this.settings));
        const result = this.store.acquireLock(key, runId, this.settings.operator);
        if (!result.acquired) {
          throw new UserError(
            `${target} (${key}) is being changed by run ${result.holder.runId} of ${result.holder.operator}, which is ${result.holder.runStatus}; ` +
              `wait for it, or resume or abort it; nothing was executed`,
          );
        }
      }
    }
  }

  private targetOptions(request: { acceptHostKeys?: string[] }, session: RunSession): TargetOptions {
    return {
      ...(session.askPassphrase ? { askPassphrase: session.askPassphrase } : {}),
      settings: this.settings,
      acceptHostKeys: request.acceptHostKeys ?? [],
      onEvent: (kind, body) => this.store.appendEvent({ operator: this.settings.operator, kind, runId: null, body }),
    };
  }
}


export type { Step };

/** Refused before anything is recorded or run: the id is shown in terminals, reports and links. */
function checkIncident(incident: string | undefined): void {
  const problem = incident === undefined ? null : incidentProblem(incident);
  if (problem !== null) throw new UserError(`${problem}; nothing was started. Give the ticket's id as your incident tracker shows it (for example INC-4711).`);
}

/**
 * Why the operator aborted, when they said (a console passes it as the abort signal's reason):
 * kept in the run.aborted event, so the audit trail says why, not only that, a run was stopped.
 */
function operatorAbortReason(status: string, outcome: EngineOutcome, signal: AbortSignal): { reason: string; operatorReason: string } | Record<string, never> {
  const said: unknown = signal.reason;
  if (status !== 'aborted' || !signal.aborted || typeof said !== 'string' || said.trim() === '') return {};
  const engine = 'reason' in outcome && typeof outcome.reason === 'string' ? outcome.reason : 'aborted';
  return { reason: `${engine}: ${said.trim()}`, operatorReason: said.trim() };
}

/** A break-glass reason is checked before anything else, so a weak one never reaches a guard. */
function refuseWeakBreakGlass(reason: string | undefined): void {
  if (reason === undefined) return;
  const problem = breakGlassReasonProblem(reason);
  if (problem) throw new UserError(`${problem}; nothing was executed`);
}
