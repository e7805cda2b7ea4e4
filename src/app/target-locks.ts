// The machine-wide (for PostgreSQL: server-wide) lock on every database a run changes, taken
// next to the data folder's own lock so that runs from other data folders (another OS user's
// default folder, a HANDRAIL_DATA_DIR set by a script) are kept out too. Held while this
// process drives the run; the kernel or the server drops it when the process dies.
import { hostname } from 'node:os';
import { electronNativeBinding } from '../store/open-database.js';
import { lockPostgresTarget, lockSqliteTarget, type TargetLock, type TargetLockOwner, type TargetLockResult } from '../targets/target-lock.js';
import { passwordOf } from './database-password.js';
import { unreachableAdvice, unreachableDatabase } from './database-unreachable.js';
import { UserError } from './errors.js';
import { expandPath } from './paths.js';
import type { TargetSpec } from '../contract/inventory.js';
import type { RunPlan } from './run-plan.js';
import type { Settings } from './settings.js';

type DatabaseSpec = Extract<TargetSpec, { sqlite: string }> | Extract<TargetSpec, { postgres: string }>;

/** A lock as the run holds it: with the name of the target it was taken for, for messages. */
export type HeldTargetLock = TargetLock & { readonly target: string };

/** Takes the lock on every database the run changes, or none: on a refusal the ones taken are given back. */
export function lockTargets(plan: RunPlan, runId: string, settings: Settings): Promise<HeldTargetLock[]> {
  const databases = new Map<string, DatabaseSpec>();
  for (const step of plan.runbook.steps) {
    for (const target of step.action?.attributes.mutates ?? []) {
      const spec = plan.targets.get(target);
      if (spec && spec !== 'local' && !('ssh' in spec) && ![...databases.values()].some((s) => sameDatabase(s, spec, settings))) {
        databases.set(target, spec);
      }
    }
  }
  return lockDatabases(databases, { activity: `run ${runId}`, runId }, settings, 'nothing was executed');
}

/** The lock on one database for a change outside a run (a restore). */
export function lockDatabase(target: string, spec: DatabaseSpec, what: { activity: string; runId: string | null }, settings: Settings): Promise<HeldTargetLock[]> {
  return lockDatabases(new Map([[target, spec]]), what, settings, 'nothing was changed');
}

async function lockDatabases(
  databases: ReadonlyMap<string, DatabaseSpec>,
  what: { activity: string; runId: string | null },
  settings: Settings,
  nothing: string,
): Promise<HeldTargetLock[]> {
  const owner: TargetLockOwner = {
    ...what,
    dataDir: settings.dataDir,
    operator: settings.operator,
    pid: process.pid,
    host: hostname(),
    since: new Date().toISOString(),
  };
  const held: HeldTargetLock[] = [];
  try {
    for (const [target, spec] of databases) {
      const result = await lockOne(target, spec, owner, settings, nothing);
      if (!result.acquired) throw new UserError(refusal(target, result.where, result.holder, nothing));
      held.push(Object.assign(result.lock, { target }));
    }
  } catch (error) {
    await releaseTargets(held);
    throw error;
  }
  return held;
}

async function lockOne(target: string, spec: DatabaseSpec, owner: TargetLockOwner, settings: Settings, nothing: string): Promise<TargetLockResult> {
  try {
    return 'sqlite' in spec
      ? lockSqliteTarget(expandPath(spec.sqlite, settings), owner, electronNativeBinding())
      : await lockPostgresTarget({ url: spec.postgres, password: passwordOf(spec) }, owner);
  } catch (error) {
    const where = 'sqlite' in spec ? expandPath(spec.sqlite, settings) : spec.postgres;
    // A server that does not answer is a fault of the world (exit 1), named as such.
    const down = 'postgres' in spec ? unreachableDatabase(spec.postgres, error) : undefined;
    if (down) throw new UserError(`${down}, so the lock on ${target} could not be taken; ${nothing}. ${unreachableAdvice(where)}.`, 1);
    throw new UserError(
      `could not take the lock on ${target} (${where}) that keeps other Handrail processes from changing it at the same time: ` +
        `${(error as Error).message}; check that the database is reachable and writable from here, then try again; ${nothing}`,
    );
  }
}

function sameDatabase(a: DatabaseSpec, b: DatabaseSpec, settings: Settings): boolean {
  if ('sqlite' in a && 'sqlite' in b) return expandPath(a.sqlite, settings) === expandPath(b.sqlite, settings);
  return 'postgres' in a && 'postgres' in b && a.postgres === b.postgres;
}

/**
 * Why the run's next change must wait: a lock it took is no longer held (see target-lock.ts for
 * how one is lost). Asked before each mutating step, for every lock of the run: a lost one means
 * another data folder may be changing that database now, whatever this step's target.
 */
export async function lostTargetLock(locks: readonly HeldTargetLock[], runId: string): Promise<string | undefined> {
  for (const lock of locks) {
    const why = await lock.lost();
    if (why !== undefined) {
      return (
        `the lock on ${lock.target} (${lock.where}) that keeps other Handrail processes from changing it was lost: ${why}; ` +
        `this step changes a database and was not run; nothing was changed by it. \`handrail resume ${runId}\` takes the lock again and goes on from here ` +
        `(refused, naming the holder, if another run took it meanwhile: look at what that run changed before going on)`
      );
    }
  }
  return undefined;
}

export async function releaseTargets(locks: readonly TargetLock[]): Promise<void> {
  await Promise.allSettled(locks.map((lock) => lock.release()));
}

function refusal(target: string, where: string, holder: TargetLockOwner | undefined, nothing: string): string {
  const who = holder
    ? `${holder.activity} of ${holder.operator}, from data folder ${holder.dataDir} (pid ${holder.pid} on ${holder.host}, since ${holder.since})`
    : 'another Handrail process (its details could not be read)';
  return `${target} (${where}) is being changed by ${who}; wait for it to end, then try again; ${nothing}`;
}
