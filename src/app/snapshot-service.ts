// Snapshots outside a run: "take a copy now", the list, restore, and housekeeping
// (leftovers of killed snapshots, retention). Every action is recorded.
import { rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Inventory, TargetSpec } from '../contract/inventory.js';
import type { RecordMismatch } from '../contract/record-check.js';
import type { Snapshot } from '../contract/snapshot.js';
import { restoreRefusal } from '../core/guards/broken-tail.js';
import { isProtectedEnvironment } from '../core/guards/protected-environment.js';
import { findEnvironment, targetIn } from '../core/guards/target-exists.js';
import { DEFAULT_RETENTION, snapshotsToDelete } from '../core/snapshots/retention.js';
import { cleanLeftovers } from '../targets/snapshot/snapshot-files.js';
import { unreachableAdvice, unreachableDatabase } from './database-unreachable.js';
import { UserError } from './errors.js';
import { findSnapshot } from './find-by-prefix.js';
import { isStorageFault, storageFaultError } from './storage-faults.js';
import { unrecordedSnapshotFiles } from './unrecorded-snapshots.js';
import { describeStorageFault } from '../store/storage-fault.js';
import { newId } from './ids.js';
import { expandPath } from './paths.js';
import { runMachinery, type RunMachinery } from './load-run-machinery.js';
import type { RunService } from './run-service.js';
import { checkSnapshotRecord, checkSnapshotRows, eventIntact, shownMessage } from '../core/audit/run-record.js';
import { hashSnapshotFile, realLocationOf, realPathOf, snapshotFileProblem, stillSameFile } from './snapshot-file.js';

const NOTHING = 'nothing was changed';

export type Progress = (phase: string, done: number, total: number) => void;
export type Confirm = (environment: string, isProtected: boolean) => Promise<{ ok: true; how: string } | { ok: false; message: string }>;

export class SnapshotService {
  constructor(private readonly runs: RunService) {}

  private get settings() {
    return this.runs.settings;
  }

  list(): Snapshot[] {
    return this.runs.snapshots.list();
  }

  /** The list as shown: each row checked against its snapshot.verified event (the chain's values where they differ). */
  checkedList(): { snapshots: Snapshot[]; tampering: RecordMismatch[] } {
    const { records, chainStart } = this.runs.snapshots.verifiedRecords();
    const { snapshots, mismatches } = checkSnapshotRows(this.runs.snapshots.list(), records, chainStart);
    return { snapshots, tampering: mismatches.map((m) => ({ ...m, message: shownMessage(m) })) };
  }

  find(ref: string): Snapshot {
    return findSnapshot(this.runs.snapshots, ref);
  }

  /** `handrail snapshot TARGET --env ENV`: a verified copy now, outside any run. */
  async take(target: string, environment: string, onProgress: Progress, signal: AbortSignal): Promise<Snapshot> {
    const { loadInventory } = await runMachinery();
    const inventory = await loadInventory(this.settings.workspace);
    const spec = databaseSpec(inventory, environment, target);
    return this.takeOf(target, environment, spec, 'manual', onProgress, signal);
  }

  /**
   * Restores a snapshot: checks its checksum, snapshots the current state (so the restore
   * can itself be undone), then restores. Refuses when a run holds the database, from this
   * data folder or any other (the lock on the database itself is held throughout).
   */
  async restore(ref: string, confirm: Confirm, onProgress: Progress, signal: AbortSignal): Promise<{ restored: Snapshot; before: Snapshot }> {
    const { loadInventory, lockDatabase, releaseTargets } = await runMachinery();
    const found = this.find(ref);
    const inventory = await loadInventory(this.settings.workspace);
    const spec = databaseSpec(inventory, found.environment, found.target);
    // With a team ledger, the team's lock first (as a run takes it): see src/app/team/run-team.ts.
    const team = await this.runs.openTeam(inventory);
    const teamHeld = team ? await team.lockForRestore(found.target, spec, { runId: found.runId, environment: found.environment, activity: `restore of snapshot ${found.id}` }).catch((error: unknown) => {
      throw this.refusedRestore(found, error);
    }) : [];
    const held = await lockDatabase(found.target, spec, { activity: `restore of snapshot ${found.id}`, runId: found.runId }, this.settings).catch(async (error: unknown) => {
      await team?.releaseTaken(teamHeld, 'the restore was refused');
      // Refused before anything was asked or done (another process holds the database, or
      // its server does not answer): the attempt is recorded, and said plainly.
      throw this.refusedRestore(found, error);
    });
    try {
      return await this.restoreHolding(ref, confirm, onProgress, signal);
    } finally {
      await releaseTargets(held);
      await team?.releaseTaken(teamHeld, `the restore of snapshot ${found.id} ended`);
      await team?.finish(found.runId ?? '', undefined); // ships the restore's events
    }
  }

  /** A restore refused by a lock before anything was asked or done: recorded, and said plainly. */
  private refusedRestore(found: Snapshot, error: unknown): unknown {
    const message = error instanceof Error ? error.message : String(error);
    this.runs.store.appendEvent({
      operator: this.settings.operator,
      kind: 'restore.refused',
      runId: found.runId,
      stepIdx: found.step,
      body: { snapshot: found.id, target: found.target, environment: found.environment, reason: message },
    });
    return error instanceof UserError ? new UserError(`snapshot ${found.id} was not restored: ${message}`, error.exitCode) : error;
  }

  private async restoreHolding(ref: string, confirm: Confirm, onProgress: Progress, signal: AbortSignal): Promise<{ restored: Snapshot; before: Snapshot }> {
    const row = this.find(ref);
    if (row.deletedAt) throw new UserError(`snapshot ${row.id} was deleted by retention on ${row.deletedAt}; ${NOTHING}`);
    const record = (kind: string, body: Record<string, unknown>) =>
      this.runs.store.appendEvent({ operator: this.settings.operator, kind, runId: row.runId, stepIdx: row.step, body: { snapshot: row.id, target: row.target, environment: row.environment, ...body } });
    // What is restored, from where, into which database: as the chain recorded it when the
    // snapshot was verified. The snapshots row is only a copy anyone with the file can edit.
    // A restore changes a database: over a broken audit tail it is refused as mutating steps are.
    const brokenTail = restoreRefusal(this.runs.auditTailProblem());
    if (brokenTail) {
      record('restore.refused', { reason: 'audit-tail-broken', problem: brokenTail });
      throw new UserError(brokenTail);
    }
    const chained = this.chainRecord(row);
    if ('refusal' in chained) {
      record('restore.refused', { reason: 'record-mismatch', problem: chained.refusal });
      throw new UserError(`${chained.refusal}; it was not restored; ${NOTHING}. Run handrail audit verify to see every difference, and find out who edited the data directory.`, 3);
    }
    const snapshot = chained.snapshot;
    const { loadInventory, snapshotSource, lockKey } = await runMachinery();
    const inventory = await loadInventory(this.settings.workspace);
    const spec = databaseSpec(inventory, snapshot.environment, snapshot.target);
    // A SQLite target is written through its real path, resolved once here: a symlink re-pointed
    // after this check cannot send the restore to another database.
    const source = snapshotSource(snapshot.target, spec, this.settings.dataDir, (p) => realPathOf(expandPath(p, this.settings)));
    const recordedReal = chained.realLocation ?? (snapshot.kind === 'sqlite' ? realPathOf(snapshot.location) : snapshot.location);
    if (source.location !== recordedReal) {
      throw new UserError(
        `target ${snapshot.target} in ${snapshot.environment} is now ${source.location}, but the snapshot is of ${recordedReal}; restore it by hand if you are sure; ${NOTHING}`,
      );
    }
    const key = lockKey(spec, (p) => expandPath(p, this.settings));
    const holder = this.runs.lockHolder(key);
    if (holder) throw new UserError(`${snapshot.target} is being changed by run ${holder.runId} of ${holder.operator}; wait for it to finish; ${NOTHING}`);

    this.runs.requireRoom(`The restore of ${snapshot.id}`);
    const confirmed = await confirm(snapshot.environment, isProtectedEnvironment(inventory, snapshot.environment));
    if (!confirmed.ok) {
      record('restore.refused', { reason: confirmed.message });
      throw new UserError(confirmed.message);
    }
    record('restore.confirmed', { how: confirmed.how });
    let last = 'restore.confirmed';
    const tracked = (kind: string, body: Record<string, unknown>) => {
      record(kind, body);
      last = kind;
    };
    try {
      return await this.restoreConfirmed(snapshot, source, spec, tracked, onProgress, signal);
    } catch (error) {
      // A confirmation is never the last word in the trail: whatever stopped the restore
      // (the server down, an unreadable snapshot, a refused pre-restore snapshot) is
      // recorded after it, unless the step that failed recorded it already.
      const unrecorded = last === 'restore.confirmed' || last === 'restore.started';
      if (!unrecorded) throw error;
      const what = `snapshot ${snapshot.id} was not restored`;
      const named = error instanceof UserError ? new UserError(`${what}: ${error.message}`, error.exitCode) : this.namedFault(error, snapshot.location, what);
      record('restore.failed', { reason: named.message });
      throw named;
    }
  }

  private async restoreConfirmed(
    snapshot: Snapshot,
    source: ReturnType<RunMachinery['snapshotSource']>,
    spec: DatabaseSpec,
    record: (kind: string, body: Record<string, unknown>) => void,
    onProgress: Progress,
    signal: AbortSignal,
  ): Promise<{ restored: Snapshot; before: Snapshot }> {
    const folder = join(this.settings.dataDir, 'snapshots');
    const fileProblem = await snapshotFileProblem(snapshot.path, folder);
    if (fileProblem) {
      record('restore.refused', { reason: 'snapshot file refused', problem: fileProblem });
      throw new UserError(`snapshot ${snapshot.id}: ${fileProblem}; it was not restored; ${NOTHING}. Find out who changed the snapshots folder before restoring anything from it.`, 3);
    }
    const file = await hashSnapshotFile(snapshot.path).catch((error: Error) => {
      throw new UserError(`cannot read snapshot ${snapshot.path}: ${error.message}; ${NOTHING}`, 1);
    });
    if (file.sha256 !== snapshot.sha256) {
      record('restore.refused', { reason: 'checksum mismatch', expected: snapshot.sha256, actual: file.sha256 });
      throw new UserError(
        `snapshot ${snapshot.id} has changed since it was taken (sha256 ${file.sha256.slice(0, 16)}…, the audit trail recorded ${snapshot.sha256.slice(0, 16)}…); it was not restored; ${NOTHING}`,
        1,
      );
    }
    const before = await this.takeOf(snapshot.target, snapshot.environment, spec, 'pre-restore', onProgress, signal, snapshot.runId);
    // The pre-restore snapshot took a while: the file must still be the one just hashed.
    if (!(await stillSameFile(snapshot.path, file))) {
      record('restore.refused', { reason: 'snapshot file replaced after it was checked', preRestoreSnapshot: before.id });
      throw new UserError(`snapshot ${snapshot.path} was replaced while the restore was being prepared; it was not restored; ${NOTHING} (the state before is in snapshot ${before.id})`, 3);
    }
    record('restore.started', { preRestoreSnapshot: before.id });
    try {
      await source.provider.restore(snapshot.path, signal, (done, total) => onProgress('restore', done, total));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      record('restore.failed', { reason: message, preRestoreSnapshot: before.id });
      throw new UserError(`restoring ${snapshot.id} failed: ${message} (the state before is in snapshot ${before.id})`, 1);
    }
    record('restore.finished', { preRestoreSnapshot: before.id, sha256: snapshot.sha256 });
    return { restored: snapshot, before };
  }

  /**
   * The snapshot as its snapshot.verified event recorded it, or why it cannot be trusted: no
   * such event, an event that no longer matches its hash, or a row that differs from it.
   */
  private chainRecord(row: Snapshot): { snapshot: Snapshot; realLocation: string | undefined } | { refusal: string } {
    const event = this.runs.snapshots.verifiedEvent(row);
    if (!event) return { refusal: checkSnapshotRecord(row, undefined)[0]?.message ?? `snapshot ${row.id} is not recorded in the audit trail` };
    if (!eventIntact(event)) {
      return { refusal: `the audit trail's record of snapshot ${row.id} (event ${event.seq}) no longer matches its hash: the trail itself was edited` };
    }
    const body = JSON.parse(event.bodyJson ?? '{}') as Record<string, unknown>;
    const [first] = checkSnapshotRecord(row, { seq: event.seq, body });
    if (first) return { refusal: first.message };
    return { snapshot: row, realLocation: typeof body.realLocation === 'string' ? body.realLocation : undefined };
  }

  /**
   * Removes leftovers of killed snapshots, then applies retention (unless `retention` is
   * false: a resume or a restore must not delete a snapshot it may need); both recorded.
   * Resolves lines for the operator: files in the snapshots folder no row knows.
   */
  async housekeeping(inventory?: Inventory, options: { retention?: boolean } = {}): Promise<string[]> {
    const dir = join(this.settings.dataDir, 'snapshots');
    const removed = await cleanLeftovers(dir).catch(() => [] as string[]);
    const notices: string[] = [];
    try {
      if (removed.length > 0) this.event('snapshot.leftovers-removed', { paths: removed });
      if (options.retention !== false) await this.applyRetention(inventory);
    } catch (error) {
      // Removing leftovers frees space; recording it needs some. On a full disk the files go
      // and the operator is told that the record of it could not be kept.
      if (!isStorageFault(error, this.settings.dataDir)) throw error;
      notices.push(`snapshot housekeeping could not be recorded: ${describeStorageFault(error, this.settings.dataDir)}`);
    }
    notices.push(...(await this.unrecorded()));
    return notices;
  }

  /** Files in the snapshots folder that no snapshot row knows, one line each; found without changing anything. */
  unrecorded(): Promise<string[]> {
    const dir = join(this.settings.dataDir, 'snapshots');
    return unrecordedSnapshotFiles(dir, this.runs.snapshots.list({ includeDeleted: true }).map((s) => s.path));
  }

  private async applyRetention(inventory: Inventory | undefined): Promise<void> {
    const settings = inventory?.snapshots;
    const policy = {
      keepDays: settings?.['keep-days'] ?? DEFAULT_RETENTION.keepDays,
      maxBytes: settings?.['max-gb'] !== undefined ? settings['max-gb'] * 1024 ** 3 : DEFAULT_RETENTION.maxBytes,
    };
    const doomed = snapshotsToDelete(this.runs.snapshots.list(), policy, new Date(), this.runs.snapshots.openRunIds());
    for (const s of doomed) {
      await rm(s.path, { force: true });
      this.runs.snapshots.markDeleted(s.id, new Date().toISOString());
      this.event('snapshot.deleted', { snapshot: s.id, path: s.path, bytes: s.bytes, createdAt: s.createdAt, policy });
    }
  }

  private async source(target: string, spec: DatabaseSpec) {
    const { snapshotSource } = await runMachinery();
    return snapshotSource(target, spec, this.settings.dataDir, (p) => expandPath(p, this.settings));
  }

  private async takeOf(
    target: string,
    environment: string,
    spec: DatabaseSpec,
    reason: 'manual' | 'pre-restore',
    onProgress: Progress,
    signal: AbortSignal,
    runId: string | null = null,
  ): Promise<Snapshot> {
    const source = await this.source(target, spec);
    this.runs.requireRoom(`The snapshot of ${target}`);
    const { preflight } = await runMachinery();
    let problem: string | undefined;
    try {
      problem = await preflight(source);
    } catch (error) {
      // Measuring the database is the first contact with it: a server that is down shows here.
      const named = this.namedFault(error, source.location, `the snapshot of ${target} was not taken`);
      this.event('snapshot.failed', { target, environment, reason: named.message }, runId);
      throw named;
    }
    if (problem) throw new UserError(`the snapshot of ${target} was not taken: ${problem}; ${NOTHING}`, 1);
    this.event('snapshot.started', { target, environment, reason });
    try {
      const result = await source.provider.take({ path: source.path, signal, onProgress: (d, t) => onProgress('snapshot', d, t) });
      return this.recordOrRemove(result.path, () => this.runs.store.atomically(() => {
        const snapshot = this.runs.snapshots.record({
          id: newId('s-'),
          runId,
          step: null,
          environment,
          target,
          kind: source.provider.kind,
          location: source.location,
          path: result.path,
          bytes: result.bytes,
          sha256: result.sha256,
          verified: true,
          reason,
          operator: this.settings.operator,
          createdAt: new Date().toISOString(),
        });
        // The real path too: a symlinked target re-pointed later is then told apart at restore.
        this.event('snapshot.verified', { ...snapshot, durationMs: result.durationMs, realLocation: realLocationOf(snapshot) }, runId);
        return snapshot;
      }));
    } catch (error) {
      const named = this.namedFault(error, source.location, `the snapshot of ${target} was not taken`);
      this.event('snapshot.failed', { target, environment, reason: named.message }, runId);
      throw named;
    }
  }

  /** A snapshot file no row knows would be an orphan under its final name: it is kept only once its row is written. */
  private recordOrRemove<T>(path: string, write: () => T): T {
    try {
      return write();
    } catch (error) {
      rmSync(path, { force: true });
      throw error;
    }
  }

  /**
   * The error as the operator should read it: a database that does not answer, or the data
   * folder's disk, named as such with `what` (what did not happen) and what to do; any other
   * error keeps its own message (the providers word theirs for the operator already).
   */
  private namedFault(error: unknown, location: string, what: string): UserError {
    if (error instanceof UserError) return error;
    const unreachable = unreachableDatabase(location, error);
    if (unreachable) return new UserError(`${what}: ${unreachable}; ${NOTHING}. ${unreachableAdvice(location)}.`, 1);
    const { dataDir } = this.settings;
    if (isStorageFault(error, dataDir)) return storageFaultError(error, dataDir, `${what[0]?.toUpperCase() ?? ''}${what.slice(1)}.`);
    return new UserError(error instanceof Error ? error.message : String(error), 1);
  }

  private event(kind: string, body: Record<string, unknown>, runId: string | null = null): void {
    this.runs.store.appendEvent({ operator: this.settings.operator, kind, runId, body });
  }
}

type DatabaseSpec = Extract<TargetSpec, { sqlite: string }> | Extract<TargetSpec, { postgres: string }>;

function databaseSpec(inventory: Inventory, environment: string, target: string): DatabaseSpec {
  const found = findEnvironment(inventory, environment);
  if (!found.ok) throw new UserError(`${found.message}; ${NOTHING}`);
  const env = found.value;
  const spec = targetIn(env, target);
  if (!spec) throw new UserError(`environment '${environment}' has no target '${target}' (it has: ${Object.keys(env.targets).join(', ')}); ${NOTHING}`);
  if (spec === 'local' || 'ssh' in spec) throw new UserError(`target '${target}' is not a database; only sqlite and postgres targets have snapshots; ${NOTHING}`);
  return spec;
}

