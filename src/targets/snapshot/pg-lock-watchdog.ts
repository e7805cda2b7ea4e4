// Bounds how long pg_restore may queue behind another session's lock. PGOPTIONS
// `-c lock_timeout=…` cannot do it: every archive starts with `SET lock_timeout = 0;`
// (pg_dump writes it so restores are not cut short), which overrides it — measured: a restore
// with lock_timeout=300 ms waited the full 10 s of the test's lock. A restore stuck behind a
// lock also makes every later query on that table queue behind it, so we cancel it instead:
// the restore is one transaction, and the server rolls it back.
import { randomBytes } from 'node:crypto';
import { runPg, type PgConnection } from './pg-tools.js';

export interface LockWatchdog {
  /** PGAPPNAME for the watched program, so the watchdog can find its session. */
  applicationName: string;
  /** True once it has cancelled the watched session for waiting on a lock too long. */
  readonly fired: boolean;
  /** Stops checking; resolves after a check under way has finished, so `fired` is final. */
  stop(): Promise<void>;
}

export function startLockWatchdog(psql: string, connection: PgConnection, timeoutMs: number): LockWatchdog {
  const applicationName = `handrail-restore-${randomBytes(6).toString('hex')}`;
  const query =
    `SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE application_name = '${applicationName}' ` +
    `AND wait_event_type = 'Lock' AND state = 'active' AND now() - state_change > interval '${Math.round(timeoutMs)} milliseconds'`;
  const never = new AbortController().signal;
  let fired = false;
  let checking: Promise<void> | undefined;
  const check = async (): Promise<void> => {
    try {
      const outcome = await runPg({ program: psql, args: ['-X', '-A', '-t', '-w', '-c', query, `--dbname=${connection.url}`], connection, signal: never });
      if (outcome.code === 0 && outcome.stdout.includes('t')) fired = true;
    } catch {
      // A failed check is retried at the next tick; the restore itself reports real trouble.
    } finally {
      checking = undefined;
    }
  };
  const timer = setInterval(() => {
    if (!checking && !fired) checking = check();
  }, Math.max(50, Math.min(timeoutMs / 4, 1_000)));
  return {
    applicationName,
    get fired() {
      return fired;
    },
    async stop() {
      clearInterval(timer);
      await checking;
    },
  };
}
