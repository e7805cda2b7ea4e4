// A lock on the database target itself, seen by every Handrail process on the machine (and, for
// PostgreSQL, on every machine) whatever its data folder: the data folder's own lock table only
// keeps apart the runs that share that folder.
//
// Both kinds are held by a live connection and let go by the kernel or the server when the
// holder dies, kill -9 included, so a crashed Handrail never leaves one behind:
// - SQLite: a sidecar file beside the database (`DB.handrail-lock`, keyed by the database's real
//   path) in which an open `BEGIN IMMEDIATE` holds SQLite's RESERVED lock, an fcntl() byte-range
//   lock. Node has no flock(); a lock file created with O_EXCL would instead outlive a kill -9
//   and need a guess about staleness (a pid can be reused). The sidecar is never deleted:
//   deleting a lock file lets two processes lock two different files of the same name.
// - PostgreSQL: a session-level advisory lock on a dedicated connection, keyed by the database
//   (pg_try_advisory_lock(HANDRAIL_KEY, hashtext(current_database()))).
// Who holds it is published beside it (a JSON file; the lock session's last query text, which
// pg_stat_activity shows), so a refusal names the holder.
//
// Either kind can be lost while its holder lives: a server restart, a DBA's
// pg_terminate_backend or a cut network ends the PostgreSQL session; an operator tidying up can
// delete the sidecar file, and the next process then locks a new file of the same name. Neither
// tells the holder, so the run asks `lost()` before each change it makes.
import { readFileSync, realpathSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import type { PostgresExecutorOptions } from './postgres-target.js';

export interface TargetLockOwner {
  /** What holds it, for people: `run 20261206-…`, `restore of snapshot s-…`. */
  activity: string;
  dataDir: string;
  /** The run, or the run a restored snapshot belongs to (null for a manual snapshot). */
  runId: string | null;
  operator: string;
  pid: number;
  host: string;
  /** ISO 8601 time the lock was taken. */
  since: string;
}

export interface TargetLock {
  /** The sidecar file or the PostgreSQL database the lock is on, for messages. */
  readonly where: string;
  /** Why the lock is no longer held (its session ended, its file is gone), or undefined while it is. */
  lost(): Promise<string | undefined>;
  release(): Promise<void>;
}

export type TargetLockResult =
  | { acquired: true; lock: TargetLock }
  /** holder is undefined when the holder's details could not be read (another user's session, a race). */
  | { acquired: false; where: string; holder: TargetLockOwner | undefined };

/** The first key of Handrail's advisory locks ('HRLK'): keeps them apart from the application's own. */
export const HANDRAIL_ADVISORY_KEY = 0x48524c4b;

/** Where the lock on a SQLite database lives: beside its real path, so every name of it meets there. */
export function sqliteLockPath(databasePath: string): string {
  let real: string;
  try {
    real = realpathSync(databasePath);
  } catch {
    // Not created yet: its folder's real path and its name identify it just as well.
    real = join(realpathSync(dirname(databasePath)), basename(databasePath));
  }
  return `${real}.handrail-lock`;
}

export function lockSqliteTarget(databasePath: string, owner: TargetLockOwner, nativeBinding?: string): TargetLockResult {
  const where = sqliteLockPath(databasePath);
  let db: Database.Database;
  try {
    // timeout 0: a held lock is a refusal now, not a wait.
    db = new Database(where, { timeout: 0, ...(nativeBinding ? { nativeBinding } : {}) });
  } catch (error) {
    throw new Error(
      `cannot open the lock file ${where} (${(error as Error).message}); Handrail needs to create it beside the database, where SQLite writes its journal too`,
      { cause: error },
    );
  }
  try {
    db.exec('BEGIN IMMEDIATE');
  } catch (error) {
    db.close();
    if ((error as { code?: string }).code === 'SQLITE_BUSY') return { acquired: false, where, holder: readHolderFile(where) };
    throw error;
  }
  // Published only while holding the lock, so the file always names the latest holder.
  const holderFile = `${where}.json`;
  const temporary = `${holderFile}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(owner)}\n`);
  renameSync(temporary, holderFile);
  // The fcntl lock is on this inode: a file of the same name that is not it locks nothing of ours.
  const locked = statSync(where);
  let released = false;
  return {
    acquired: true,
    lock: {
      where,
      lost() {
        let now;
        try {
          now = statSync(where);
        } catch {
          return Promise.resolve('its lock file was deleted, so another process could lock a new one of the same name');
        }
        return Promise.resolve(
          now.ino === locked.ino && now.dev === locked.dev ? undefined : 'its lock file was replaced by another, so another process could lock that one',
        );
      },
      release() {
        if (released) return Promise.resolve();
        released = true;
        // Closing ends the transaction and gives the fcntl lock back.
        db.close();
        return Promise.resolve();
      },
    },
  };
}

function readHolderFile(where: string): TargetLockOwner | undefined {
  try {
    const owner = JSON.parse(readFileSync(`${where}.json`, 'utf8')) as TargetLockOwner;
    // Written by an earlier holder that is gone: the current one has not written yet.
    return isAlive(owner.pid) ? owner : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM';
  }
}

const HOLDER_MARK = 'handrail target lock held by ';

export async function lockPostgresTarget(options: PostgresExecutorOptions, owner: TargetLockOwner): Promise<TargetLockResult> {
  // Loaded here: a run that changes only SQLite databases never needs the PostgreSQL client.
  const { default: pg } = await import('pg');
  // query_timeout: a check on a connection that a frozen network keeps open must end, as a loss.
  const client = new pg.Client({ connectionString: options.url, connectionTimeoutMillis: 15_000, query_timeout: 10_000, application_name: 'handrail lock' });
  if (options.password !== undefined) client.password = options.password;
  // A lost lock connection must not crash the process; the server has dropped the lock then,
  // which lost() reports before the run's next change.
  let ended: string | undefined;
  let released = false;
  client.on('error', (error) => (ended ??= error.message));
  client.on('end', () => {
    if (!released) ended ??= 'the connection was closed';
  });
  let mark = '';
  const where = `PostgreSQL database ${databaseOf(options.url)}`;
  try {
    await client.connect();
    const got = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, hashtext(current_database())) AS locked', [
      HANDRAIL_ADVISORY_KEY,
    ]);
    if (!got.rows[0]?.locked) {
      const holder = await postgresHolder(client);
      await client.end().catch(() => undefined);
      return { acquired: false, where, holder };
    }
    // The session's last query text is what pg_stat_activity shows of it while it idles.
    mark = client.escapeLiteral(HOLDER_MARK + JSON.stringify(owner));
    await client.query(`SELECT ${mark}`);
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
  return {
    acquired: true,
    lock: {
      where,
      async lost() {
        if (ended !== undefined) return `its session on the server ended (${ended})`;
        try {
          // Ends with the holder's mark, so the session's last query still names the holder.
          const held = await client.query<{ n: number }>(
            `SELECT (SELECT count(*)::int FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'advisory' AND granted AND objsubid = 2 AND classid::bigint = ${HANDRAIL_ADVISORY_KEY}) AS n, ${mark}`,
          );
          return held.rows[0]?.n === 1 ? undefined : 'the server no longer has it for this session';
        } catch (error) {
          return `its session on the server does not answer (${ended ?? (error as Error).message})`;
        }
      },
      async release() {
        if (released) return;
        released = true;
        // Ending the session releases a session-level advisory lock.
        await client.end().catch(() => undefined);
      },
    },
  };
}

async function postgresHolder(client: import('pg').Client): Promise<TargetLockOwner | undefined> {
  const found = await client.query<{ query: string | null }>(
    `SELECT a.query FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
        AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND l.classid::bigint = $1::bigint AND l.objid::bigint = (hashtext(current_database())::bigint & 4294967295)`,
    [HANDRAIL_ADVISORY_KEY],
  );
  const text = found.rows[0]?.query ?? '';
  const at = text.indexOf(HOLDER_MARK);
  if (at < 0) return undefined;
  try {
    // The literal as sent: 'handrail target lock held by {...}' with '' for each quote.
    let literal = text.slice(at + HOLDER_MARK.length, text.lastIndexOf("'")).replaceAll("''", "'");
    // escapeLiteral writes E'…' with doubled backslashes when the text holds one.
    if (/\bE'$/.test(text.slice(0, at))) literal = literal.replaceAll('\\\\', '\\');
    return JSON.parse(literal) as TargetLockOwner;
  } catch {
    return undefined;
  }
}

function databaseOf(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.pathname.slice(1) || '(default)'} on ${parsed.host}`;
  } catch {
    return url;
  }
}
