// A child process for one snapshot or restore, and the messages to and from it.
//
// Why a process and not a worker_threads Worker (the usual home for heavy work, STYLE.md 7):
// the heavy parts are single native calls that JavaScript cannot interrupt — copy_file_range
// of a whole database, `PRAGMA quick_check`, one sqlite3_backup_step. Worker.terminate()
// waits for such a call to return (about 1 s per GB here), and so does process.exit(), so an
// aborted snapshot of a big database would hold the console. SIGKILL ends a process at once;
// its locks go with it, and it never renames anything into place, so nothing it leaves
// looks like a snapshot.
import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The worker ended (killed, crashed, failed to start) before it answered. */
export class WorkerStopped extends Error {}

export interface WorkerChannel<In, Out> {
  send(message: In): void;
  /** The next message, in order; rejects with WorkerStopped once the worker has ended. */
  next(): Promise<Out>;
  /** SIGKILL; resolves once the process is gone. */
  kill(): Promise<void>;
}

/** Starts `<name>.js` (compiled) or `<name>.ts` (under Vitest or tsx) from this folder and sends `first`, if given. */
export function startWorker<In, Out>(name: string, first?: In): WorkerChannel<In, Out> {
  const entry = workerEntry(name);
  const child: ChildProcess = fork(entry.path, [], {
    execArgv: entry.execArgv,
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    serialization: 'advanced',
  });
  const inbox: Out[] = [];
  const waiting: { resolve: (message: Out) => void; reject: (error: Error) => void }[] = [];
  let stopped: WorkerStopped | undefined;
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    // Kept for the report when it dies; a crash prints a few lines, so cap it.
    stderr = (stderr + chunk).slice(-2000);
  });
  child.on('message', (message: Out) => {
    const waiter = waiting.shift();
    if (waiter) waiter.resolve(message);
    else inbox.push(message);
  });
  const exited = new Promise<void>((resolve) => {
    const end = (why: string): void => {
      const last = stderr.trim().split('\n').pop();
      stopped ??= new WorkerStopped(last ? `${why}: ${last}` : why);
      for (const waiter of waiting.splice(0)) waiter.reject(stopped);
      resolve();
    };
    // 'close', not 'exit': it comes after the last message and the last stderr line.
    child.on('close', (code, signal) => end(signal ? `killed by ${signal}` : `exit code ${code}`));
    // A failed spawn or IPC channel: the process is of no further use.
    child.on('error', (error) => {
      child.kill('SIGKILL');
      end(error.message);
    });
  });
  if (first !== undefined) child.send(first as object);

  return {
    send: (message) => {
      if (child.connected) child.send(message as object);
    },
    next: () => {
      const message = inbox.shift();
      if (message !== undefined) return Promise.resolve(message);
      if (stopped) return Promise.reject(stopped);
      return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
    },
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/**
 * Compiled (dist/targets/snapshot/*.js), the worker is plain JavaScript beside this file.
 * Under Vitest or tsx this module is the .ts source and there is no .js beside it, so the
 * child loads the .ts through tsx (a dev dependency, resolved from here so the child's
 * working directory does not matter).
 */
function workerEntry(name: string): { path: string; execArgv: string[] } {
  if (!import.meta.url.endsWith('.ts')) return { path: fileURLToPath(new URL(`./${name}.js`, import.meta.url)), execArgv: [] };
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return { path: fileURLToPath(new URL(`./${name}.ts`, import.meta.url)), execArgv: ['--import', tsx] };
}
