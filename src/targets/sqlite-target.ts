// The SQLite target's executor. Statements run in a child process (sqlite-worker.ts), one
// per executor, so a long query never blocks the event loop (STYLE.md 7).
//
// Why a process and not a worker_threads Worker: better-sqlite3 exposes no
// sqlite3_interrupt, and Worker.terminate() only stops JavaScript. A thread inside one
// long sqlite3_step (`SELECT count(*)` over a huge recursive CTE) keeps running until the
// step ends — measured: terminate() took 27 s to return, and process.exit() in the parent
// waited for it too, so a timed-out step would also hang the CLI's exit. SIGKILL stops a
// process at once, and SQLite's journal guarantees the uncommitted transaction is undone.
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { SqlExecutor, SqlRequest, SqlResult } from '../core/engine/ports.js';
import { bindStatements } from './sql-statements.js';
import type { FromWorker, ToWorker } from './sqlite-worker.js';

export interface SqliteExecutorOptions {
  /** better-sqlite3's compiled addon for the worker to load (Electron's ABI differs from Node's). */
  nativeBinding?: string;
}

export function createSqliteExecutor(path: string, options: SqliteExecutorOptions = {}): SqlExecutor {
  const file = resolve(path);
  const worker = new WorkerProcess();
  // One request at a time: the worker holds a single connection and transaction.
  let queue: Promise<unknown> = Promise.resolve();
  return {
    run(request) {
      const next = queue.then(() => runOnce(request, file, options.nativeBinding, worker));
      queue = next.catch(() => undefined);
      return next;
    },
    async close() {
      await queue;
      await worker.stop('SIGTERM');
    },
  };
}

async function runOnce(request: SqlRequest, file: string, nativeBinding: string | undefined, worker: WorkerProcess): Promise<SqlResult> {
  const startedAt = performance.now();
  const unchanged = request.mode === 'write' ? 'nothing was committed' : 'nothing was changed';
  if (request.signal.aborted) throw new Error(`The step was aborted before it started; nothing was run on ${file}.`);
  const statements = bindStatements(request.sql, request.params, 'sqlite').map((s) => ({
    text: s.text,
    bind: s.names.length === 0 ? undefined : Object.fromEntries(s.names.map((name, i) => [name, s.values[i] ?? null])),
  }));
  // Checked here for a clear message; the worker's fileMustExist closes the race.
  if (!existsSync(file)) throw new Error(`The SQLite database ${file} does not exist; nothing was run. Check the target's path in the inventory.`);

  let committing = false;
  let stoppedBecause: string | undefined;
  let acceptError: unknown;
  const kill = (why: string): void => {
    // Once COMMIT was asked for, killing could leave the outcome unknown; let it finish.
    if (committing || stoppedBecause !== undefined) return;
    stoppedBecause = why;
    void worker.stop('SIGKILL');
  };
  const timer = request.timeoutMs === undefined ? undefined : setTimeout(() => kill(`The SQL ran longer than its ${request.timeoutMs} ms timeout`), request.timeoutMs);
  const onAbort = (): void => kill('The step was aborted by the operator');
  request.signal.addEventListener('abort', onAbort, { once: true });
  try {
    const reply = await worker.converse({ type: 'run', path: file, mode: request.mode, statements, maxRows: request.maxRows, nativeBinding }, (message, send) => {
      if (message.type !== 'decide') return message;
      try {
        committing = request.accept?.({ ...message.result, committed: false, durationMs: elapsed(startedAt) }) ?? true;
      } catch (error) {
        acceptError = error;
      }
      send({ type: 'decide', commit: committing });
      return undefined;
    });
    if (reply.type === 'error') throw new Error(describeError(reply, file, request.mode, committing));
    if (reply.type !== 'done') throw new Error(`The SQLite worker for ${file} answered out of turn (${reply.type}); ${unchanged}.`);
    if (acceptError !== undefined) {
      throw new Error(`Checking the result failed (${String(acceptError)}); the transaction on ${file} was rolled back.`, { cause: acceptError });
    }
    return { ...reply.result, committed: reply.committed, durationMs: elapsed(startedAt) };
  } catch (error) {
    if (!(error instanceof WorkerExit)) throw error;
    if (stoppedBecause === undefined) {
      const outcome = committing ? 'it was committing, so check whether the change is there' : unchanged;
      throw new Error(`The SQLite worker for ${file} stopped unexpectedly (${error.message}); ${outcome}.`, { cause: error });
    }
    // Reported only now that the process is gone (and a killed write is rolled back), so
    // the message is true when the operator reads it.
    const note = request.mode === 'write' ? await recover(worker, file, nativeBinding) : '';
    throw new Error(`${stoppedBecause} on the SQLite database ${file}; the statement was stopped (its worker process was killed) and ${unchanged}${note}.`);
  } finally {
    clearTimeout(timer);
    request.signal.removeEventListener('abort', onAbort);
  }
}

/**
 * A write killed after SQLite spilled changes into the file leaves a hot journal. Any
 * read-write connection rolls it back on its first read; a read-only one cannot, so the
 * next read step would fail with SQLITE_READONLY_ROLLBACK. A fresh worker does it now.
 */
async function recover(worker: WorkerProcess, file: string, nativeBinding: string | undefined): Promise<string> {
  const later = 'SQLite undoes it the next time the database is opened for writing, and read steps fail until then';
  try {
    const reply = await worker.converse({ type: 'recover', path: file, nativeBinding }, (message) => message);
    return reply.type === 'recovered' ? '' : `. Rolling back what it left failed (${reply.type === 'error' ? reply.message : reply.type}); ${later}`;
  } catch (error) {
    return `. Rolling back what it left failed (${(error as Error).message}); ${later}`;
  }
}

function describeError(message: Extract<FromWorker, { type: 'error' }>, file: string, mode: 'read' | 'write', committing: boolean): string {
  const where = message.statement === undefined ? '' : `Statement ${message.statement} failed: `;
  const code = message.code ? ` (${message.code})` : '';
  if (message.code === 'SQLITE_CANTOPEN' && !existsSync(file)) {
    return `The SQLite database ${file} does not exist; nothing was run. Check the target's path in the inventory.`;
  }
  if (message.code === 'SQLITE_READONLY_ROLLBACK') {
    return (
      `SQLite found an unfinished transaction in ${file}, left by a process that stopped mid-write (a hot journal). ` +
      `A read-only step cannot roll it back; nothing was run. Opening the database once for writing (a mutating ` +
      `step, or \`sqlite3 ${file} 'SELECT 1'\`) rolls it back.`
    );
  }
  if (mode === 'read' && message.code?.startsWith('SQLITE_READONLY')) {
    return (
      `${where}SQLite refused to write to ${file}: ${message.message}${code}. This step runs read-only because it ` +
      `declares no \`mutates\`; nothing was changed. If it is meant to change data, add \`mutates\` to its attributes.`
    );
  }
  const outcome = committing ? 'COMMIT failed, so the transaction was rolled back' : mode === 'write' ? 'the transaction was rolled back, nothing was committed' : 'nothing was changed';
  return `${where}SQLite error on ${file}: ${message.message}${code}; ${outcome}.`;
}

/** The worker ended (killed, crashed or failed to start) before the conversation did. */
class WorkerExit extends Error {}

/** One lazily started worker process, replaced after it ends. */
class WorkerProcess {
  #child: ChildProcess | undefined;

  /**
   * Sends `first`, then hands each reply to `onReply` until it returns one to resolve with.
   * The child is referenced only meanwhile, so an idle executor never keeps the CLI alive.
   */
  converse<T>(first: ToWorker, onReply: (message: FromWorker, send: (message: ToWorker) => void) => T | undefined): Promise<T> {
    const child = this.#running() ?? this.#start();
    child.ref();
    child.channel?.ref();
    return new Promise<T>((resolvePromise, reject) => {
      const end = (): void => {
        child.off('message', onMessage).off('exit', onExit).off('error', onError);
        child.unref();
        child.channel?.unref();
      };
      const onMessage = (message: FromWorker): void => {
        const value = onReply(message, (next) => child.send(next));
        if (value === undefined) return;
        end();
        resolvePromise(value);
      };
      const onExit = (code: number | null, signal: string | null): void => {
        end();
        reject(new WorkerExit(signal ?? `exit code ${code}`));
      };
      const onError = (error: Error): void => {
        // A failed spawn or IPC send: the process is of no further use.
        end();
        void this.stop('SIGKILL');
        reject(new WorkerExit(error.message));
      };
      child.on('message', onMessage).on('exit', onExit).on('error', onError);
      child.send(first);
    });
  }

  /** Ends the worker and resolves once it is gone; the next request starts a fresh one. */
  stop(signal: NodeJS.Signals): Promise<void> {
    const child = this.#running();
    this.#child = undefined;
    if (!child) return Promise.resolve();
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    // An idle child is unreferenced; without this the event loop could end before its
    // 'exit' arrives and leave the caller's await unsettled.
    child.ref();
    child.kill(signal);
    return exited;
  }

  #running(): ChildProcess | undefined {
    const child = this.#child;
    return child && child.exitCode === null && child.signalCode === null && child.connected ? child : undefined;
  }

  #start(): ChildProcess {
    const entry = workerEntry();
    const child = fork(entry.path, [], { execArgv: entry.execArgv, stdio: ['ignore', 'ignore', 'ignore', 'ipc'], serialization: 'advanced' });
    // An 'error' with no listener would crash the console; a conversation listens for its own.
    child.on('error', () => {});
    this.#child = child;
    return child;
  }
}

/** The worker's entry point and the Node flags it needs. */
function workerEntry(): { path: string; execArgv: string[] } {
  // Compiled (dist/targets/*.js), the worker is plain JavaScript next to this file. Under
  // Vitest or tsx this module is the .ts source, and there is no sqlite-worker.js beside
  // it: Vite rewrites `new URL('./x.js', import.meta.url)` workers only in browser
  // bundles, not in code it runs on Node. The child then loads the .ts source through tsx
  // (a dev dependency, resolved from here so the child's working directory does not matter).
  if (!import.meta.url.endsWith('.ts')) return { path: fileURLToPath(new URL('./sqlite-worker.js', import.meta.url)), execArgv: [] };
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return { path: fileURLToPath(new URL('./sqlite-worker.ts', import.meta.url)), execArgv: ['--import', tsx] };
}

function elapsed(startedAt: number): number {
  return Math.round(performance.now() - startedAt);
}
