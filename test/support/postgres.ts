/**
 * A real PostgreSQL cluster for integration tests: initdb + pg_ctl into a throwaway temp
 * folder, TCP on 127.0.0.1 at a free port, scram-sha-256 password auth for every
 * connection (TCP and socket). PostgreSQL refuses to run as root, so when the tests run as
 * root the cluster is created and run as the `postgres` system user.
 */
import { randomBytes } from 'node:crypto';
import { chown, mkdir, readdir, realpath, writeFile, appendFile } from 'node:fs/promises';
import { accessSync, constants, readFileSync, rmSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { onProcessExit } from './exit-cleanup.js';
import { freePort } from './free-port.js';
import { type RunOptions, type RunResult, runChecked, runCommand } from './run-command.js';
import { makeTempDir, removeDir } from './temp-dir.js';

const HOST = '127.0.0.1';
const SUPERUSER = 'postgres';
const OS_USER = 'postgres';

export interface StartPostgresOptions {
  /** Directory holding initdb, pg_ctl, psql. Default: $HANDRAIL_PG_BIN_DIR, the newest /usr/lib/postgresql/N/bin, or initdb's directory on PATH. */
  binDir?: string;
  /** Database created after start. Default 'app'. */
  database?: string;
  /** Extra postgresql.conf settings (values are written verbatim, quote strings yourself). */
  settings?: Readonly<Record<string, string | number>>;
}

export interface PsqlOptions {
  /** Database to connect to. Default: the handle's database. */
  database?: string;
  /** Send the password (via PGPASSWORD in the child's environment). Default true. */
  withPassword?: boolean;
  /** Extra environment for psql (e.g. PGOPTIONS). */
  env?: Readonly<Record<string, string>>;
}

export interface PgConnectionEnvOptions {
  /** Include PGPASSWORD. Default false. */
  withPassword?: boolean;
}

export interface PgHandle {
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly user: 'postgres';
  /** The superuser's generated password. Never put it in argv or a URL you log. */
  readonly password: string;
  readonly database: string;
  /** `postgres://postgres@127.0.0.1:PORT/app` — deliberately WITHOUT the password. */
  readonly url: string;
  readonly binDir: string;
  /** Temp folder under fastTempBase() (/dev/shm here), owned by the postgres OS user when running as root; removed by stop(). */
  readonly dir: string;
  readonly dataDir: string;
  /** Unix socket directory (also password-protected). */
  readonly socketDir: string;
  readonly logPath: string;
  /**
   * Connection variables for a child process: PGHOST, PGPORT, PGUSER, PGDATABASE, plus
   * PGPASSWORD when asked, and PGPASSFILE pointing at a missing file so no ~/.pgpass leaks in.
   */
  env(options?: PgConnectionEnvOptions): Record<string, string>;
  /**
   * Runs `sql` (via stdin, so several statements are fine) with psql -X -A -t -q and
   * ON_ERROR_STOP; the password goes in the environment, never argv. Resolves stdout
   * with the final newline removed; rejects with psql's stderr on failure.
   */
  psql(sql: string, options?: PsqlOptions): Promise<string>;
  /** Same as psql() but resolves the raw result whatever the exit status (for failure tests). */
  runPsql(sql: string, options?: PsqlOptions): Promise<RunResult>;
  /** `pg_ctl stop -m immediate`, keeping the cluster's files: the server is gone as after a crash. */
  kill(): Promise<void>;
  /** Starts the killed server again on the same port and files (crash recovery runs). */
  restart(): Promise<void>;
  /** `pg_ctl stop -m immediate`, then removes the temp folder. Idempotent. */
  stop(): Promise<void>;
}

/** Creates a cluster, starts it, creates the database. */
export async function startPostgres(options: StartPostgresOptions = {}): Promise<PgHandle> {
  const binDir = options.binDir ?? (await findPgBinDir());
  const runAs = osUser();
  const dir = await makeTempDir('pg', { fast: true });
  const dataDir = join(dir, 'data');
  const socketDir = join(dir, 'sock');
  const logPath = join(dir, 'postgres.log');
  const asOwner: RunOptions = { cwd: dir, env: ownerEnv(dir), ...runAs };
  let started = false;

  const stopCluster = async (): Promise<void> => {
    await runCommand(join(binDir, 'pg_ctl'), ['-D', dataDir, '-m', 'immediate', '-w', 'stop'], asOwner);
  };
  const unregisterExit = onProcessExit(() => {
    // Sync only: SIGQUIT is PostgreSQL's immediate shutdown.
    const pid = postmasterPid(dataDir);
    if (pid !== undefined) {
      try {
        process.kill(pid, 'SIGQUIT');
      } catch {
        // already gone
      }
    }
    rmSync(dir, { recursive: true, force: true });
  });

  try {
    await mkdir(socketDir, { mode: 0o700 });
    const password = randomBytes(18).toString('base64url');
    const pwfile = join(dir, 'pwfile');
    await writeFile(pwfile, `${password}\n`, { mode: 0o600 });
    if (runAs.uid !== undefined && runAs.gid !== undefined) {
      for (const path of [dir, socketDir, pwfile]) await chown(path, runAs.uid, runAs.gid);
    }

    await runChecked(
      join(binDir, 'initdb'),
      [
        '-D', dataDir,
        '-U', SUPERUSER,
        '--auth=scram-sha-256',
        `--pwfile=${pwfile}`,
        '--encoding=UTF8',
        '--locale=C',
        '--no-sync',
        '--no-instructions',
      ],
      asOwner,
    );
    rmSync(pwfile, { force: true });

    const settings: Record<string, string | number> = {
      listen_addresses: `'${HOST}'`,
      unix_socket_directories: `'${socketDir}'`,
      fsync: 'off',
      synchronous_commit: 'off',
      full_page_writes: 'off',
      shared_buffers: '16MB',
      max_connections: 50,
      ...options.settings,
    };
    await appendFile(join(dataDir, 'postgresql.conf'), `\n# handrail test harness\n${formatSettings(settings)}`);

    // A port taken between freePort() and the postmaster's bind fails the start; retry.
    let port = 0;
    for (let attempt = 1; ; attempt++) {
      port = await freePort(HOST);
      await appendFile(join(dataDir, 'postgresql.conf'), formatSettings({ port }));
      const result = await runCommand(
        join(binDir, 'pg_ctl'),
        ['-D', dataDir, '-l', logPath, '-w', '-t', '30', 'start'],
        asOwner,
      );
      if (result.code === 0) break;
      const log = readLog(logPath);
      if (attempt < 3 && /could not bind|Address already in use/i.test(log)) continue;
      throw new Error(`pg_ctl start failed (exit ${result.code})\n${result.stderr}${result.stdout}\nserver log:\n${log}`);
    }
    started = true;

    const database = options.database ?? 'app';
    const handle: PgHandle = {
      host: HOST,
      port,
      user: SUPERUSER,
      password,
      database,
      url: `postgres://${SUPERUSER}@${HOST}:${port}/${encodeURIComponent(database)}`,
      binDir,
      dir,
      dataDir,
      socketDir,
      logPath,
      env: (envOptions = {}) => ({
        PGHOST: HOST,
        PGPORT: String(port),
        PGUSER: SUPERUSER,
        PGDATABASE: database,
        PGPASSFILE: join(dir, 'no-such-pgpass'),
        ...(envOptions.withPassword ? { PGPASSWORD: password } : {}),
      }),
      runPsql: (sql, psqlOptions = {}) =>
        runCommand(
          join(binDir, 'psql'),
          ['-X', '-w', '-A', '-t', '-q', '-v', 'ON_ERROR_STOP=1', '-d', psqlOptions.database ?? database, '-f', '-'],
          {
            input: sql,
            env: {
              ...withoutPgVariables(process.env),
              ...handle.env({ withPassword: psqlOptions.withPassword ?? true }),
              ...psqlOptions.env,
            },
          },
        ),
      psql: async (sql, psqlOptions) => {
        const result = await handle.runPsql(sql, psqlOptions);
        if (result.code !== 0) throw new Error(`psql failed (exit ${result.code}): ${result.stderr.trim()}`);
        return result.stdout.replace(/\n$/, '');
      },
      kill: async () => {
        await stopCluster();
      },
      restart: async () => {
        const result = await runCommand(join(binDir, 'pg_ctl'), ['-D', dataDir, '-l', logPath, '-w', '-t', '30', 'start'], asOwner);
        if (result.code !== 0) throw new Error(`pg_ctl start failed (exit ${result.code})\n${result.stderr}${result.stdout}\nserver log:\n${readLog(logPath)}`);
      },
      stop: async () => {
        if (!started) return;
        started = false;
        await stopCluster();
        unregisterExit();
        await removeDir(dir);
      },
    };

    await handle.psql(`CREATE DATABASE ${quoteIdent(database)}`, { database: 'postgres' });
    return handle;
  } catch (error) {
    if (postmasterPid(dataDir) !== undefined) await stopCluster();
    unregisterExit();
    await removeDir(dir);
    throw error;
  }
}

/** Where initdb, pg_ctl and psql live (the Debian /usr/bin/psql wrapper is avoided: it is slower and picks clusters). */
export async function findPgBinDir(): Promise<string> {
  const fromEnv = process.env['HANDRAIL_PG_BIN_DIR'];
  if (fromEnv) return fromEnv;
  const debianRoot = '/usr/lib/postgresql';
  const versions = await readdir(debianRoot).catch(() => [] as string[]);
  for (const version of versions.filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a))) {
    const bin = join(debianRoot, version, 'bin');
    if (isExecutable(join(bin, 'initdb'))) return bin;
  }
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    const initdb = join(dir, 'initdb');
    if (dir && isExecutable(initdb)) return dirname(await realpath(initdb));
  }
  throw new Error('postgres harness: initdb not found (set HANDRAIL_PG_BIN_DIR)');
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** uid/gid to run the server as: the `postgres` OS user when we are root, else ourselves. */
function osUser(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith(`${OS_USER}:`));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (uid === undefined || gid === undefined) {
    throw new Error(`postgres harness: running as root but there is no '${OS_USER}' user to run PostgreSQL as`);
  }
  return { uid: Number(uid), gid: Number(gid) };
}

function ownerEnv(dir: string): NodeJS.ProcessEnv {
  return { ...withoutPgVariables(process.env), HOME: dir, LC_ALL: 'C' };
}

function withoutPgVariables(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith('PG')));
}

function formatSettings(settings: Readonly<Record<string, string | number>>): string {
  return Object.entries(settings)
    .map(([name, value]) => `${name} = ${value}\n`)
    .join('');
}

function postmasterPid(dataDir: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function readLog(path: string): string {
  try {
    return readFileSync(path, 'utf8').slice(-8192);
  } catch {
    return '(no log)';
  }
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
