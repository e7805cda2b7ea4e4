// What a run does with the team ledger: before its first step, the team lock on every
// database it changes (held in the ledger until the run ends; a crashed run keeps it until
// resumed, or until a lead releases it); while it runs and when it ends, its trail shipped by
// the outbox in the background. With the ledger unreachable, its mutating steps are held
// (read-only ones run) unless the operator broke glass, which takes the local lock only and is
// recorded as a deviation.
import { hostname } from 'node:os';
import { FINISHED_RUN_STATUSES, type RunStatus } from '../../contract/run.js';
import type { RunStore } from '../../store/run-store.js';
import { connectLedger, ledgerPlace, type LedgerClient } from '../../targets/ledger/ledger-connection.js';
import { checkLedgerSchema } from '../../targets/ledger/ledger-migrate.js';
import { acquireLedgerLock, releaseLedgerLock, type HeldLock } from '../../targets/ledger/ledger-locks.js';
import { registerMachine } from '../../targets/ledger/ledger-ship.js';
import type { AppDatabase } from '../../store/open-database.js';
import { UserError } from '../errors.js';
import { expandPath } from '../paths.js';
import type { RunPlan } from '../run-plan.js';
import type { Settings } from '../settings.js';
import { drivingRun, runLetGo } from './driven-runs.js';
import { describeLedgerFault } from './ledger-faults.js';
import { releaseRunLocks, unreleasableByThisLogin, type LockWithLogins, type RunLockRelease } from './run-lock-release.js';
import { TeamOutbox } from './outbox.js';
import { TeamShipper } from './team-shipper.js';
import { teamConfig } from './team-config.js';
import { teamLockKey, type DatabaseSpec } from './team-lock-key.js';

export interface TeamLocks {
  /** Why mutating steps are held (the ledger could not be asked); undefined when the locks are held. */
  hold?: string;
  /** Break-glass waived the team lock: what for the deviation event. */
  waived?: string;
  /** The run holds team locks in the ledger (taken now, or already its own on a resume). */
  holds?: true;
  /** Locks a resume goes on under that this machine's login will not be allowed to release at its end. */
  inherited?: LockWithLogins[];
}

export class RunTeam {
  private readonly shipper: TeamShipper;

  private constructor(
    private readonly outbox: TeamOutbox,
    private readonly settings: Settings,
  ) {
    this.shipper = new TeamShipper(outbox);
  }

  /** The run's team, or undefined when no ledger is configured (Handrail then works as it always did). */
  static open(settings: Settings, db: AppDatabase['db'], store: RunStore, inventory: Parameters<typeof teamConfig>[0]): RunTeam | undefined {
    const team = teamConfig(inventory);
    return team && new RunTeam(new TeamOutbox(db, store, settings, team), settings);
  }

  /**
   * Takes the team lock on every database the run changes. Refused by another holder: a
   * UserError (exit 2) naming them, and nothing is kept. Ledger unreachable: the mutating
   * steps are held, or with break-glass waived.
   */
  async lock(plan: RunPlan, run: { id: string; environment: string }, breakGlass: string | undefined): Promise<TeamLocks> {
    const databases = mutatedDatabases(plan);
    drivingRun(run.id);
    const locked = await this.lockDatabases(databases, { runId: run.id, environment: run.environment, activity: `run ${run.id}` }, breakGlass, run.id);
    if (locked.hold !== undefined || locked.waived !== undefined) return locked;
    return { ...(databases.size > 0 ? { holds: true as const } : {}), ...(locked.inherited && locked.inherited.length > 0 ? { inherited: locked.inherited } : {}) };
  }

  /**
   * The team lock on one database for a restore, held until `release` of the result. The
   * ledger unreachable (no break-glass for a restore): a UserError, nothing changed.
   */
  async lockForRestore(target: string, spec: DatabaseSpec, holder: { runId: string | null; environment: string; activity: string }): Promise<HeldLock[]> {
    const locked = await this.lockDatabases(new Map([[target, spec]]), holder, undefined, null);
    if (locked.hold !== undefined) throw new UserError(`${locked.faultLine ?? 'the team ledger could not be reached'}, so the team lock on ${target} could not be taken; nothing was changed. Try again when the ledger answers (handrail team status)`, 1);
    return locked.taken;
  }

  /** Releases locks this process took (a refusal, a restore's end). */
  async releaseTaken(locks: readonly HeldLock[], why: string): Promise<void> {
    if (locks.length === 0) return;
    try {
      const client = await connectLedger(this.outbox.team, 'unlock');
      try {
        for (const lock of locks) await releaseLedgerLock(client, lock, { ...lock, hostname: hostname(), operator: this.settings.operator, note: why });
      } finally {
        await client.end().catch(() => undefined);
      }
    } catch {
      // Kept in the ledger: `team unlock` releases it.
    }
  }

  private async lockDatabases(
    databases: ReadonlyMap<string, DatabaseSpec>,
    holder: { runId: string | null; environment: string; activity: string },
    breakGlass: string | undefined,
    resumeOf: string | null,
  ): Promise<TeamLocks & { taken: HeldLock[]; faultLine?: string }> {
    if (databases.size === 0) return { taken: [] };
    const run = { id: resumeOf ?? holder.runId ?? '', environment: holder.environment };
    const place = ledgerPlace(this.outbox.team.url);
    let client: LedgerClient;
    try {
      client = await connectLedger(this.outbox.team, 'lock');
      const schema = await checkLedgerSchema(client);
      if (schema) {
        await client.end().catch(() => undefined);
        throw Object.assign(new Error(schema.message), { schema: true });
      }
    } catch (error) {
      const fault = (error as { schema?: boolean }).schema ? `the team ledger at ${place} cannot be used: ${(error as Error).message}` : describeLedgerFault(this.outbox.team.url, error);
      const names = [...databases.keys()].join(', ');
      if (breakGlass !== undefined) return { waived: `${names}: ${fault}`, taken: [] };
      return {
        taken: [],
        faultLine: fault,
        hold:
          `${fault}, so the team lock on ${names} could not be taken: this step changes it and was not run; nothing was changed (read-only steps before it ran). ` +
          `When the ledger answers again, \`handrail resume ${run.id}\` goes on from here; in an incident, \`handrail resume ${run.id} --break-glass "why"\` changes it now with this machine's lock only, recorded as a deviation that leads every report`,
      };
    }
    const taken: HeldLock[] = [];
    const reentered: HeldLock[] = [];
    try {
      const me = this.outbox.identity();
      const registration = await registerMachine(client, me);
      if (registration.status === 'key-mismatch') {
        throw new UserError(
          `the team ledger at ${place} refused this machine's key ${me.fingerprint} (machine ${me.machineId} is pinned to ${registration.pinnedFingerprint}); ` +
            'the team locks could not be taken and nothing was executed. Restore keys/ of this data folder from a backup, or ask a lead (team status shows the incident)',
        );
      }
      for (const [target, spec] of databases) {
        const lockKey = teamLockKey(spec, (p) => expandPath(p, this.settings));
        const result = await acquireLedgerLock(client, lockKey, {
          machineId: me.machineId, hostname: me.hostname, operator: this.settings.operator, runId: holder.runId, environment: holder.environment, target, activity: holder.activity,
        });
        if (!result.acquired) throw new UserError(holderRefusal(target, lockKey, result.holder));
        const held = { lockId: result.lockId, lockKey, machineId: me.machineId, hostname: me.hostname, operator: this.settings.operator, runId: holder.runId, environment: holder.environment, target, activity: holder.activity, since: '' };
        (result.reentered ? reentered : taken).push(held);
      }
      // A resume under another login than the one that took its locks: said before it goes on.
      // Only a notice: a ledger that fails this look does not stop the run (its end still says).
      return { taken, inherited: await unreleasableByThisLogin(client, reentered).catch(() => []) };
    } catch (error) {
      // All or none: a refusal gives back what this run took now (a resume's own locks stay).
      for (const lock of taken) await releaseLedgerLock(client, lock, { ...lock, note: 'the run was refused before it started' }).catch(() => undefined);
      if (error instanceof UserError) throw error;
      throw new UserError(`${describeLedgerFault(this.outbox.team.url, error)}; the team locks could not be taken; nothing was executed`, 1);
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  startShipping(): void {
    this.shipper.start();
  }

  /**
   * After the run's end is recorded: a finished run lets go of its team locks, `onReleased`
   * records what stayed held, and then the trail is shipped (that record with it).
   */
  async finish(runId: string, status: RunStatus | undefined, onReleased?: (release: RunLockRelease) => void): Promise<void> {
    try {
      if (status !== undefined && (FINISHED_RUN_STATUSES as readonly string[]).includes(status)) onReleased?.(await this.release(runId, `the run ${status}`));
    } finally {
      runLetGo(runId);
    }
    await this.shipper.stop();
  }

  /**
   * Releases the run's team locks (it finished or was aborted). A ledger that does not answer
   * keeps them (the outbox tries again); one taken with another login stays for a lead: both
   * are in the result, never thrown.
   */
  async release(runId: string, why: string): Promise<RunLockRelease> {
    const me = this.outbox.identity();
    return releaseRunLocks(this.outbox.team, runId, { machineId: me.machineId, hostname: hostname(), operator: this.settings.operator }, why);
  }
}

function mutatedDatabases(plan: RunPlan): Map<string, DatabaseSpec> {
  const databases = new Map<string, DatabaseSpec>();
  for (const step of plan.runbook.steps) {
    for (const target of step.action?.attributes.mutates ?? []) {
      const spec = plan.targets.get(target);
      if (spec && spec !== 'local' && !('ssh' in spec)) databases.set(target, spec);
    }
  }
  return databases;
}

function holderRefusal(target: string, lockKey: string, holder: HeldLock | undefined): string {
  const who = holder
    ? `${holder.activity} of ${holder.operator} on machine ${holder.hostname} (id ${holder.machineId.slice(0, 8)}), since ${holder.since}`
    : 'another machine (its details could not be read)';
  const unlock = holder ? `; if that run crashed and nobody will resume it, a lead (role handrail_lead), or its own machine once the run is over, can release it: handrail team unlock ${holder.lockId} --note "why"` : '';
  return `${target} (${lockKey}) is locked in the team ledger by ${who}; wait for it to end, or ask them${unlock}; nothing was executed`;
}
