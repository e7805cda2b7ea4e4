// `handrail team status | ship | unlock`: this machine's view of the team ledger.
import { hostname } from 'node:os';
import { ContextService, type AppContext } from '../app-context.js';
import { UserError } from '../errors.js';
import { loadInventory } from '../run-plan.js';
import type { Settings } from '../settings.js';
import { shippedState, type ShippedState } from '../../store/team-machine.js';
import { lastSeq } from '../../store/team-outbox-read.js';
import { connectLedger, ledgerPlace } from '../../targets/ledger/ledger-connection.js';
import { checkLedgerSchema } from '../../targets/ledger/ledger-migrate.js';
import { findHeldLock, heldLocks, releaseLedgerLock, type HeldLock } from '../../targets/ledger/ledger-locks.js';
import { ledgerHead, registerMachine, type MachineIdentity, type Registration } from '../../targets/ledger/ledger-ship.js';
import { describeLedgerFault } from './ledger-faults.js';
import { TeamOutbox, type ShipReport } from './outbox.js';
import { teamConfig, type TeamConfig } from './team-config.js';
import { LEDGER_RELEASE_REFUSED, isLead, ownRunStillGoing, releaseRefused } from './team-unlock-rules.js';

export interface TeamStatus {
  ledger: string;
  source: TeamConfig['source'];
  machine: MachineIdentity;
  reachable: boolean;
  /** Why the ledger cannot be used now (unreachable, refused, not set up). */
  problem: string | null;
  registration: Registration | null;
  localSeq: number;
  /** What the ledger holds of this machine: read now, or the last known when unreachable. */
  ledgerSeq: number;
  waiting: number;
  shipped: ShippedState;
  heldLocks: HeldLock[];
  keyIncidents: number;
}

export class TeamService extends ContextService {
  constructor(settings: Settings, shared?: AppContext) {
    super(settings, shared);
  }

  private async outbox(): Promise<TeamOutbox> {
    const team = teamConfig(await loadInventory(this.settings.workspace));
    if (!team) {
      throw new UserError('no team ledger is configured: add team: { postgres: URL, password-env: NAME } to handrail.yml (or set HANDRAIL_TEAM_URL); nothing was done');
    }
    return new TeamOutbox(this.context.db, this.context.store, this.settings, team);
  }

  async status(): Promise<TeamStatus> {
    const outbox = await this.outbox();
    const machine = outbox.identity();
    const localSeq = lastSeq(this.context.db);
    const shipped = shippedState(this.context.db, outbox.team.url);
    const base = { ledger: ledgerPlace(outbox.team.url), source: outbox.team.source, machine, localSeq, shipped };
    let client;
    try {
      client = await connectLedger(outbox.team, 'status');
    } catch (error) {
      const ledgerSeq = shipped.eventsSeq;
      return { ...base, reachable: false, problem: describeLedgerFault(outbox.team.url, error), registration: null, ledgerSeq, waiting: localSeq - ledgerSeq, heldLocks: [], keyIncidents: 0 };
    }
    try {
      const schema = await checkLedgerSchema(client);
      if (schema) return { ...base, reachable: true, problem: schema.message, registration: null, ledgerSeq: 0, waiting: localSeq, heldLocks: [], keyIncidents: 0 };
      const registration = await registerMachine(client, machine);
      const head = await ledgerHead(client, machine.machineId);
      const incidents = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM handrail.key_incidents');
      return {
        ...base,
        reachable: true,
        problem: registration.status === 'key-mismatch' ? `the ledger refused this machine's key: machine ${machine.machineId} is pinned to ${registration.pinnedFingerprint} since ${registration.registeredAt}` : shipped.lastError,
        registration,
        ledgerSeq: head.seq,
        waiting: Math.max(0, localSeq - head.seq),
        heldLocks: await heldLocks(client),
        keyIncidents: incidents.rows[0]?.n ?? 0,
      };
    } catch (error) {
      return { ...base, reachable: false, problem: describeLedgerFault(outbox.team.url, error), registration: null, ledgerSeq: shipped.eventsSeq, waiting: localSeq - shipped.eventsSeq, heldLocks: [], keyIncidents: 0 };
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  /** Ships what is waiting now (the runs' outbox does it in the background). */
  async ship(): Promise<ShipReport> {
    return (await this.outbox()).ship();
  }

  /**
   * Releases a team lock a crashed run holds, with a note: appended to the ledger's lock
   * events and recorded in this machine's trail, which is then shipped. Another machine's lock
   * only a lead may release (the ledger refuses anyone else); this machine's own only once its
   * journal shows the run that holds it is over.
   */
  async unlock(ref: string, note: string): Promise<HeldLock> {
    if (note.trim() === '') throw new UserError('give a note saying why the lock is released (--note "…"); it is kept in the trail and the ledger; nothing was changed');
    const outbox = await this.outbox();
    const me = outbox.identity();
    let client;
    try {
      client = await connectLedger(outbox.team, 'unlock');
    } catch (error) {
      throw new UserError(`${describeLedgerFault(outbox.team.url, error)}; the lock was not released. Try again when the ledger answers`, 1);
    }
    let lock: HeldLock;
    try {
      // A ledger not yet migrated lacks the rule on who may release: use it only once it has it.
      const schema = await checkLedgerSchema(client);
      if (schema) throw new UserError(`the team ledger at ${ledgerPlace(outbox.team.url)} cannot be used: ${schema.message}; nothing was changed`, 1);
      const found = await findHeldLock(client, ref);
      if (found.length === 0) throw new UserError(`no held team lock '${ref}' (team status lists them); nothing was changed`);
      if (found.length > 1) throw new UserError(`'${ref}' names ${found.length} held locks (${found.map((l) => l.lockId).join(', ')}); give more of the id; nothing was changed`);
      lock = found[0] as HeldLock;
      const registration = await registerMachine(client, me);
      if (registration.status === 'key-mismatch') throw new UserError(`the ledger refused this machine's key (pinned: ${registration.pinnedFingerprint}); nothing was changed`);
      const ownMachine = lock.machineId === me.machineId;
      const going = ownMachine ? ownRunStillGoing(this.context.store, lock) : undefined;
      if (going !== undefined && !(going.leadMay && (await isLead(client)))) throw new UserError(going.message);
      const held = lock;
      const released = await releaseLedgerLock(client, lock, {
        machineId: me.machineId, hostname: hostname(), operator: this.settings.operator, runId: lock.runId, environment: lock.environment, target: lock.target, activity: `team unlock by ${this.settings.operator}`, note,
      }).catch(async (error: unknown) => {
        if ((error as { code?: unknown }).code !== LEDGER_RELEASE_REFUSED) throw error;
        const login = (await client.query<{ login: string }>('SELECT session_user AS login')).rows[0]?.login ?? '?';
        const still = await findHeldLock(client, held.lockId).then((l) => l.some((x) => x.lockId === held.lockId), () => undefined);
        throw new UserError(releaseRefused(held, login, ownMachine, still));
      });
      if (!released) throw new UserError(`team lock ${lock.lockId} was released meanwhile; nothing was changed`);
    } finally {
      await client.end().catch(() => undefined);
    }
    this.context.store.appendEvent({
      operator: this.settings.operator,
      kind: 'team.unlocked',
      runId: null,
      body: { lockId: lock.lockId, lockKey: lock.lockKey, target: lock.target, holder: { operator: lock.operator, hostname: lock.hostname, machineId: lock.machineId, runId: lock.runId, since: lock.since }, note },
    });
    await outbox.ship();
    return lock;
  }
}
