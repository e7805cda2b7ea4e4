// The outbox: ships this machine's audit trail (events with their bodies, checkpoints, output
// chunks compressed as stored, and the run rows beside them) to the team ledger, in seq order,
// from where the ledger's copy ends. Idempotent: the ledger skips what it already holds, so a
// batch cut off by a lost connection is simply sent again. Local stays first: nothing here
// ever throws into a run; a failure is recorded for `team status` and tried again later.
import { createPublicKey } from 'node:crypto';
import { hostname } from 'node:os';
import type { AppDatabase } from '../../store/open-database.js';

type Database = AppDatabase['db'];
import { keyFingerprint } from '../../core/audit/checkpoint.js';
import { OUTPUT_EVENT, outputEventBody } from '../../core/audit/output-event.js';
import type { StoredEvent } from '../../core/audit/verify-chain.js';
import type { RunStore } from '../../store/run-store.js';
import { recordShipFailure, recordShipped, shippedState, teamMachineId } from '../../store/team-machine.js';
import { checkpointsBetween, eventAt, eventsAfter, lastSeq, storedOutputChunk } from '../../store/team-outbox-read.js';
import { connectLedger, ledgerPlace, type LedgerClient } from '../../targets/ledger/ledger-connection.js';
import { checkLedgerSchema } from '../../targets/ledger/ledger-migrate.js';
import { heldLocks, releaseLedgerLock } from '../../targets/ledger/ledger-locks.js';
import { FINISHED_RUN_STATUSES } from '../../contract/run.js';
import { ledgerHead, registerMachine, shipBatch, type MachineIdentity, type ShipBatch, type ShippedOutput, type ShippedRunRecord } from '../../targets/ledger/ledger-ship.js';
import type { Settings } from '../settings.js';
import { describeLedgerFault } from './ledger-faults.js';
import type { KeptLedger } from './kept-ledger.js';
import { isDriven } from './driven-runs.js';
import { keptAfterRefusal } from './run-lock-release.js';
import { recordShippedKept } from './shipped-lock-kept.js';
import type { TeamConfig } from './team-config.js';
import { LEDGER_RELEASE_REFUSED } from './team-unlock-rules.js';

const BATCH = 200;

export interface ShipReport {
  /** Events the ledger took in this call. */
  shipped: number;
  /** The last seq the ledger holds of this machine after this call. */
  ledgerSeq: number;
  /** This machine's last seq. */
  localSeq: number;
  /** Why shipping stopped, for people; undefined when everything was shipped. */
  problem?: string;
  /** The ledger refused this machine's key (another key is pinned for its id). */
  keyRefused?: boolean;
  /** Locks of ended runs the ledger refused to release now (taken with another login), each said as the run records it. */
  keptLocks?: string[];
}

export class TeamOutbox {
  constructor(
    private readonly db: Database,
    private readonly store: RunStore,
    private readonly settings: Settings,
    readonly team: TeamConfig,
  ) {}

  /** This data folder as a machine of the ledger; its key is made (and recorded) if it has none yet. */
  identity(): MachineIdentity {
    const key = createPublicKey(this.store.audit.signingKey(this.settings.operator));
    return {
      machineId: teamMachineId(this.db),
      hostname: hostname(),
      operator: this.settings.operator,
      publicKeyPem: key.export({ type: 'spki', format: 'pem' }).toString(),
      fingerprint: keyFingerprint(key),
    };
  }

  /**
   * Ships everything waiting; never throws (a failure is in the report and in team_shipped).
   * With `kept`, over the connection a previous shipment left there, and leaves its own there
   * for the next; a kept connection the ledger dropped meanwhile (a restart, an idle timeout)
   * is replaced by a new one at once rather than reported.
   */
  async ship(kept?: KeptLedger): Promise<ShipReport> {
    const reused = kept?.take();
    if (reused) {
      const report = await this.shipOver(reused, kept);
      if (report !== 'connection lost') return report;
    }
    return (await this.shipOver(undefined, kept)) as ShipReport;
  }

  private async shipOver(reused: LedgerClient | undefined, kept: KeptLedger | undefined): Promise<ShipReport | 'connection lost'> {
    const localSeq = lastSeq(this.db);
    let client = reused;
    let keep = false;
    const at = { ledgerSeq: 0, checkpointSeq: 0, shipped: 0 };
    try {
      const me = this.identity();
      if (!client) {
        client = await connectLedger(this.team, 'ship');
        const refused = await this.admit(client, me, localSeq);
        if (refused) return this.failed(refused);
      }
      const head = await ledgerHead(client, me.machineId);
      at.ledgerSeq = head.seq;
      at.checkpointSeq = head.checkpointSeq;
      const mine = head.seq > 0 ? eventAt(this.db, head.seq) : undefined;
      if (head.seq > 0 && mine?.hash !== head.hash) {
        return this.failed({
          shipped: at.shipped, ledgerSeq: at.ledgerSeq, localSeq,
          problem: `this machine's trail ${mine ? `differs from the ledger's copy at seq ${head.seq}` : `ends at seq ${localSeq}, but the ledger holds it up to seq ${head.seq}`}: it was changed after it shipped. Nothing more is shipped; run \`handrail audit verify\``,
        });
      }
      await this.shipWaiting(client, me.machineId, at);
      // Each batch recorded itself; with nothing shipped, only a change is written (a commit
      // each tick would be one more flush of the disk beside the run's own appends).
      const recorded = shippedState(this.db, this.team.url);
      if (recorded.eventsSeq !== at.ledgerSeq || recorded.lastError !== null) recordShipped(this.db, this.team.url, at.ledgerSeq, new Date().toISOString());
      const held = await this.releaseEnded(client, me);
      // A lock that stayed is recorded on its run: that record goes with this shipment.
      if (held.recorded > 0) await this.shipWaiting(client, me.machineId, at);
      keep = kept !== undefined;
      return { shipped: at.shipped, ledgerSeq: at.ledgerSeq, localSeq: lastSeq(this.db), ...(held.texts.length > 0 ? { keptLocks: held.texts } : {}) };
    } catch (error) {
      // Nothing of this shipment reached the ledger over a kept connection: it was lost while
      // idle, and a new one is tried before anything is reported.
      if (reused && at.shipped === 0) return 'connection lost';
      return this.failed({ shipped: at.shipped, ledgerSeq: at.ledgerSeq, localSeq: lastSeq(this.db), problem: describeLedgerFault(this.team.url, error) });
    } finally {
      if (client && keep) kept?.put(client);
      else await client?.end().catch(() => undefined);
    }
  }

  /** Ships every batch waiting after `at`, moving `at` on as each one is taken. */
  private async shipWaiting(client: LedgerClient, machineId: string, at: { ledgerSeq: number; checkpointSeq: number; shipped: number }): Promise<void> {
    for (;;) {
      const events = eventsAfter(this.db, at.ledgerSeq, BATCH);
      const upTo = events.at(-1)?.seq ?? at.ledgerSeq;
      const checkpoints = checkpointsBetween(this.db, at.checkpointSeq, upTo);
      if (events.length === 0 && checkpoints.length === 0) return;
      await shipBatch(client, this.batch(machineId, events, checkpoints));
      at.shipped += events.length;
      at.ledgerSeq = upTo;
      at.checkpointSeq = checkpoints.at(-1)?.seq ?? at.checkpointSeq;
      recordShipped(this.db, this.team.url, at.ledgerSeq, new Date().toISOString());
      if (events.length < BATCH) return;
    }
  }

  /** A new connection's checks: the ledger's schema, then this machine's key against the one pinned. */
  private async admit(client: LedgerClient, me: MachineIdentity, localSeq: number): Promise<ShipReport | undefined> {
    const schema = await checkLedgerSchema(client);
    if (schema) return { shipped: 0, ledgerSeq: 0, localSeq: lastSeq(this.db), problem: schema.message };
    const registration = await registerMachine(client, me);
    if (registration.status !== 'key-mismatch') return undefined;
    return {
      shipped: 0, ledgerSeq: 0, localSeq, keyRefused: true,
      problem: `the ledger refused this machine's key ${me.fingerprint}: machine ${me.machineId} is pinned to key ${registration.pinnedFingerprint} since ${registration.registeredAt}; the refusal is recorded for leads. Nothing was shipped. Restore this data folder's keys/ from a backup, or ask a lead`,
    };
  }

  /**
   * A run that ended while the ledger could not be reached still holds its team locks there;
   * once its end has shipped, they are released (a lock of a run that is interrupted here stays).
   * One taken with another login (this folder's login changed since) is left to a lead by the
   * ledger: that refusal does not fail the shipping that just succeeded, but the lock, seen
   * still held, is recorded on its run and said to whoever ships.
   */
  private async releaseEnded(client: LedgerClient, me: MachineIdentity): Promise<{ texts: string[]; recorded: number }> {
    const said = { texts: [] as string[], recorded: 0 };
    for (const lock of await heldLocks(client, { machineId: me.machineId })) {
      const run = lock.runId === null || isDriven(lock.runId) ? undefined : this.store.getRun(lock.runId);
      if (!run || !(FINISHED_RUN_STATUSES as readonly string[]).includes(run.status)) continue;
      try {
        await releaseLedgerLock(client, lock, { ...lock, hostname: me.hostname, operator: this.settings.operator, note: `the run ${run.status} while the ledger could not be reached` });
      } catch (error) {
        if ((error as { code?: unknown }).code !== LEDGER_RELEASE_REFUSED) throw error;
        const kept = recordShippedKept(this.db, this.store, this.settings.operator, run, await keptAfterRefusal(client, lock));
        said.texts.push(...kept.texts);
        said.recorded += kept.recorded;
      }
    }
    return said;
  }

  private failed(report: ShipReport): ShipReport {
    try {
      recordShipFailure(this.db, this.team.url, report.problem ?? 'unknown', new Date().toISOString());
    } catch {
      // The data folder itself cannot be written (a full disk): the report still says why.
    }
    return report;
  }

  private batch(machineId: string, events: readonly StoredEvent[], checkpoints: ShipBatch['checkpoints']): ShipBatch {
    const outputs: ShippedOutput[] = [];
    const lastOfRun = new Map<string, { seq: number; started: boolean }>();
    for (const e of events) {
      if (e.runId !== null) lastOfRun.set(e.runId, { seq: e.seq, started: (lastOfRun.get(e.runId)?.started ?? false) || e.kind === 'run.started' });
      if (e.kind !== OUTPUT_EVENT || e.runId === null || e.stepIdx === null) continue;
      const body = outputEventBody(e.bodyJson);
      const row = body && storedOutputChunk(this.db, { runId: e.runId, idx: e.stepIdx, attempt: body.attempt }, body.chunk);
      if (row) outputs.push({ ...row, eventSeq: e.seq });
    }
    const runRecords: ShippedRunRecord[] = [];
    for (const [runId, { seq, started }] of lastOfRun) {
      const run = this.store.getRun(runId);
      if (!run) continue;
      runRecords.push({
        runId,
        eventSeq: seq,
        runJson: JSON.stringify(run),
        stepsJson: JSON.stringify(this.store.listSteps(runId)),
        runbookSource: started ? (this.store.getRunbookSource(runId) ?? null) : null,
      });
    }
    return { machineId, events, outputs, runRecords, checkpoints };
  }

  /** For messages: `host:5432/database`. */
  get place(): string {
    return ledgerPlace(this.team.url);
  }
}
