// The PostgreSQL client programs a snapshot uses (pg_dump, pg_restore, psql): where they are,
// and how they are started. The password travels only in the child's environment
// (PGPASSWORD), never in argv, which any user on the machine can read in `ps`.
import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access, readdir, realpath } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import type { Readable } from 'node:stream';

export type PgProgram = 'pg_dump' | 'pg_restore' | 'psql';

export interface PgConnection {
  /** The URL as given, minus any password: safe for argv and for messages. */
  url: string;
  /** Environment for the child: PGPASSWORD when there is a password. */
  env: Record<string, string>;
  password: string | undefined;
}

/** A password inside the URL wins over `password`, as in the SQL executor; it moves to the environment. */
export function pgConnection(url: string, password?: string): PgConnection {
  let safeUrl = url;
  let secret = password;
  try {
    const parsed = new URL(url);
    if (parsed.password) {
      secret = decodeURIComponent(parsed.password);
      parsed.password = '';
      safeUrl = parsed.toString();
    }
  } catch {
    // Not a URL (the inventory requires one); passed on as given.
  }
  // Fails fast on a dead host instead of the client's default of waiting forever.
  const env: Record<string, string> = { PGCONNECT_TIMEOUT: '10' };
  if (secret) env['PGPASSWORD'] = secret;
  return { url: safeUrl, env, password: secret || undefined };
}

/** Finds a program: in `binDir`; else on PATH; else the newest /usr/lib/postgresql/N/bin. */
export async function findPgProgram(name: PgProgram, binDir?: string): Promise<string> {
  if (binDir) {
    const path = join(binDir, name);
    if (await isExecutable(path)) return path;
    throw missing(`${name} was not found in ${binDir}`);
  }
  let wrapper: string | undefined;
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    const path = join(dir, name);
    if (!dir || !(await isExecutable(path))) continue;
    // Debian's /usr/bin/pg_dump is pg_wrapper, a Perl script that picks a version per call;
    // for a remote server it takes the newest installed, which is what the search below finds
    // without starting Perl each time.
    if ((await realpath(path)).endsWith('pg_wrapper')) wrapper ??= path;
    else return path;
  }
  const root = '/usr/lib/postgresql';
  const versions = await readdir(root).catch(() => [] as string[]);
  for (const version of versions.filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a))) {
    const path = join(root, version, 'bin', name);
    if (await isExecutable(path)) return path;
  }
  if (wrapper) return wrapper;
  throw missing(`${name} was not found on PATH or in ${root}/*/bin`);
}

export const INSTALL_ADVICE = 'Install the PostgreSQL client programs (package postgresql-client), at least as new as the server, or set the target\'s binDir.';

function missing(message: string): Error {
  return Object.assign(new Error(message), { code: 'PG_PROGRAM_MISSING' });
}

async function isExecutable(path: string): Promise<boolean> {
  return access(path, constants.X_OK).then(
    () => true,
    () => false,
  );
}

export interface PgRun {
  program: string;
  args: string[];
  connection: PgConnection;
  /** Extra environment, e.g. PGOPTIONS. */
  env?: Record<string, string>;
  signal: AbortSignal;
  /** Fed to the program's standard input (e.g. an archive for pg_restore to read). */
  stdin?: Readable;
  /** Takes the program's standard output as a stream (e.g. an archive pg_dump writes); `stdout` is then empty. */
  takeStdout?: (stdout: Readable) => void;
}

export interface PgOutcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  /** The last few KiB of stderr, trimmed, with the password (if it ever appeared) masked. */
  stderr: string;
  aborted: boolean;
}

/** After SIGTERM (the tools then cancel their query on the server), this long before SIGKILL. */
const KILL_GRACE_MS = 5_000;
const OUTPUT_KEEP = 4096;

/** Runs a client program to the end; never rejects for a non-zero exit, only for a failed spawn. */
export function runPg(run: PgRun): Promise<PgOutcome> {
  const { password } = run.connection;
  // Belt and braces: the argv builders never put it there, and this keeps it so.
  if (password && run.args.some((arg) => arg.includes(password))) {
    return Promise.reject(new Error(`refusing to start ${run.program}: its arguments would contain the password`));
  }
  return new Promise((resolve, reject) => {
    const child = spawn(run.program, run.args, {
      env: { ...process.env, ...run.connection.env, ...run.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let aborted = false;
    // A program that stops reading early (it failed) closes the pipe: EPIPE here says
    // nothing its exit status does not say better.
    child.stdin.on('error', () => {});
    if (run.stdin) run.stdin.pipe(child.stdin);
    else child.stdin.end();
    if (run.takeStdout) run.takeStdout(child.stdout);
    else child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout = (stdout + chunk).slice(-OUTPUT_KEEP)));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-OUTPUT_KEEP)));
    let killTimer: NodeJS.Timeout | undefined;
    const onAbort = (): void => {
      aborted = true;
      child.kill('SIGTERM');
      killTimer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
    };
    if (run.signal.aborted) onAbort();
    else run.signal.addEventListener('abort', onAbort, { once: true });
    child.once('error', (error) => {
      run.signal.removeEventListener('abort', onAbort);
      clearTimeout(killTimer);
      reject(error);
    });
    child.once('close', (code, signal) => {
      run.signal.removeEventListener('abort', onAbort);
      clearTimeout(killTimer);
      const masked = password ? stderr.replaceAll(password, '***') : stderr;
      resolve({ code, signal, stdout, stderr: masked.trim(), aborted });
    });
  });
}
