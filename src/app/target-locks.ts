// The machine-wide (for PostgreSQL: server-wide) lock on every database a run changes, taken
// next to the data folder's own lock so that runs from other data folders (another OS user's
// default folder, a HANDRAIL_DATA_DIR set by a script) are kept out too. Held while this
// process drives the run; the kernel or the server drops it when the process dies.
import { hostname } from 'node:os';
import { electronNativeBinding } from '../store/open-database.js';
import { lockPostgresTarget, lockSqliteTarget, type TargetLock, type TargetLockOwner } from '../targets/target-lock.js';
import { passwordOf } from './database-password.js';
import { UserError } from './errors.js';
import { expandPath } from './paths.js';
import type { RunPlan } from './run-plan.js';
import type { Settings } from './settings.js';

/** Takes every lock or none: on a refusal the ones already taken are given back. */
export async function lockTargets(plan: RunPlan, runId: string, settings: Settings): Promise<TargetLock[]> {
  const owner: TargetLockOwner = {
    dataDir: settings.dataDir,
    runId,
    operator: settings.operator,
    pid: process.pid,
    host: hostname(),
    since: new Date().toISOString(),
  };
  const held: TargetLock[] = [];
  const seen = new Set<string>();
  try {
    for (const step of plan.runbook.steps) {
      for (const target of step.action?.attributes.mutates ?? []) {
        const spec = plan.targets.get(target);
        if (!spec || spec === 'local' || 'ssh' in spec) continue;
        const key = 'sqlite' in spec ? `sqlite:${expandPath(spec.sqlite, settings)}` : `postgres:${spec.postgres}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const result =
          'sqlite' in spec
            ? lockSqliteTarget(expandPath(spec.sqlite, settings), owner, electronNativeBinding())
            : await lockPostgresTarget({ url: spec.postgres, password: passwordOf(spec) }, owner);
        if (!result.acquired) throw new UserError(refusal(target, result.where, result.holder));
        held.push(result.lock);
      }
    }
  } catch (error) {
    await releaseTargets(held);
    if (error instanceof UserError) throw error;
    throw new UserError(`could not take the lock on a database this run changes: ${(error as Error).message}; nothing was executed`);
  }
  return held;
}

export async function releaseTargets(locks: readonly TargetLock[]): Promise<void> {
  await Promise.allSettled(locks.map((lock) => lock.release()));
}

function refusal(target: string, where: string, holder: TargetLockOwner | undefined): string {
  const who = holder
    ? `run ${holder.runId} of ${holder.operator}, from data folder ${holder.dataDir} (pid ${holder.pid} on ${holder.host}, since ${holder.since})`
    : 'another Handrail process (its details could not be read)';
  return `${target} (${where}) is being changed by ${who}; wait for that run to end, then try again; nothing was executed`;
}
