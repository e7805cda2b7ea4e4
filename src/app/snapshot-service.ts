// Snapshots outside a run: "take a copy now", the list, restore, and housekeeping
// (leftovers of killed snapshots, retention). Every action is recorded.
import { createReadStream, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Inventory, TargetSpec } from '../contract/inventory.js';
import type { Snapshot } from '../contract/snapshot.js';
import { preflight } from '../core/engine/run-engine.js';
import { DEFAULT_RETENTION, snapshotsToDelete } from '../core/snapshots/retention.js';
import { cleanLeftovers } from '../targets/snapshot/snapshot-files.js';
import { unreachableAdvice, unreachableDatabase } from './database-unreachable.js';
import { UserError } from './errors.js';
import { isStorageFault, storageFaultError } from './storage-faults.js';
import { unrecordedSnapshotFiles } from './unrecorded-snapshots.js';
import { describeStorageFault } from '../store/storage-fault.js';
import { newId } from './ids.js';
import { expandPath } from './paths.js';
import { loadInventory, lockKey } from './run-plan.js';
import type { RunService } from './run-service.js';
import { snapshotSource } from './targets.js';

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

  find(ref: string): Snapshot {
    const exact = this.runs.snapshots.get(ref);
    const matches = exact ? [exact] : this.runs.snapshots.list({ includeDeleted: true }).filter((s) => s.id.startsWith(ref));
    const [found] = matches;
    if (matches.length !== 1 || !found) {
      throw new UserError(matches.length === 0 ? `no snapshot '${ref}' (handrail snapshots lists them)` : `'${ref}' matches ${matches.length} snapshots; give more of the id`);
    }
    return found;
  }

  /** `handrail snapshot TARGET --env ENV`: a verified copy now, outside any run. */
  async take(target: string, environment: string, onProgress: Progress, signal: AbortSignal): Promise<Snapshot> {
    const inventory = await loadInventory(this.settings.workspace);
    const spec = databaseSpec(inventory, environment, target);
    return this.takeOf(target, environment, spec, 'manual', onProgress, signal);
  }

  /**
   * Restores a snapshot: checks its checksum, snapshots the current state (so the restore
   * can itself be undone), then restores. Refuses when a run holds the database.
   */
  async restore(ref: string, confirm: Confirm, onProgress: Progress, signal: AbortSignal): Promise<{ restored: Snapshot; before: Snapshot }> {
    const snapshot = this.find(ref);
    if (snapshot.deletedAt) throw new UserError(`snapshot ${snapshot.id} was deleted by retention on ${snapshot.deletedAt}; ${NOTHING}`);
    const inventory = await loadInventory(this.settings.workspace);
    const spec = databaseSpec(inventory, snapshot.environment, snapshot.target);
    const source = this.source(snapshot.target, spec);
    if (source.location !== snapshot.location) {
      throw new UserError(
        `target ${snapshot.target} in ${snapshot.environment} is now ${source.location}, but the snapshot is of ${snapshot.location}; restore it by hand if you are sure; ${NOTHING}`,
      );
    }
    const key = lockKey(spec, (p) => expandPath(p, this.settings));
    const holder = this.runs.lockHolder(key);
    if (holder) throw new UserError(`${snapshot.target} is being changed by run ${holder.runId} of ${holder.operator}; wait for it to finish; ${NOTHING}`);

    this.runs.requireRoom(`The restore of ${snapshot.id}`);
    const isProtected = inventory.environments[snapshot.environment]?.protected === true;
    const confirmed = await confirm(snapshot.environment, isProtected);
    const record = (kind: string, body: Record<string, unknown>) =>
      this.runs.store.appendEvent({ operator: this.settings.operator, kind, runId: snapshot.runId, stepIdx: snapshot.step, body: { snapshot: snapshot.id, target: snapshot.target, environment: snapshot.environment, ...body } });
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
    source: ReturnType<SnapshotService['source']>,
    spec: DatabaseSpec,
    record: (kind: string, body: Record<string, unknown>) => void,
    onProgress: Progress,
    signal: AbortSignal,
  ): Promise<{ restored: Snapshot; before: Snapshot }> {
    const actual = await sha256File(snapshot.path).catch((error: Error) => {
      throw new UserError(`cannot read snapshot ${snapshot.path}: ${error.message}; ${NOTHING}`, 1);
    });
    if (actual !== snapshot.sha256) {
      record('restore.refused', { reason: 'checksum mismatch', expected: snapshot.sha256, actual });
      throw new UserError(
        `snapshot ${snapshot.id} has changed since it was taken (sha256 ${actual.slice(0, 16)}…, recorded ${snapshot.sha256.slice(0, 16)}…); it was not restored; ${NOTHING}`,
        1,
      );
    }
    const before = await this.takeOf(snapshot.target, snapshot.environment, spec, 'pre-restore', onProgress, signal, snapshot.runId);
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

  private source(target: string, spec: DatabaseSpec) {
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
    const source = this.source(target, spec);
    this.runs.requireRoom(`The snapshot of ${target}`);
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
        this.event('snapshot.verified', { ...snapshot, durationMs: result.durationMs }, runId);
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
  const env = inventory.environments[environment];
  if (!env) throw new UserError(`there is no environment '${environment}' in handrail.yml; ${NOTHING}`);
  const spec = env.targets[target];
  if (!spec) throw new UserError(`environment '${environment}' has no target '${target}' (it has: ${Object.keys(env.targets).join(', ')}); ${NOTHING}`);
  if (spec === 'local' || 'ssh' in spec) throw new UserError(`target '${target}' is not a database; only sqlite and postgres targets have snapshots; ${NOTHING}`);
  return spec;
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
