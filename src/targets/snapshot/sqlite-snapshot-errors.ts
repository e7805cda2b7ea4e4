// What a failed SQLite snapshot or restore says to the operator (STYLE.md 12). Kept apart
// from sqlite-snapshot.ts so the flow there reads without the wording.
import { errorCode, explainFolderFailure, firstLine, formatWait, SnapshotError, takeFailure, type Explanation } from './snapshot-errors.js';
import type { FromWorker, Phase } from './sqlite-snapshot-worker.js';
import { WorkerStopped } from './worker-channel.js';

/** A failure reported by the worker (its phase) or found by the parent (quick_check). */
export class TakeFailure extends Error {
  readonly stage: 'estimate' | 'folder' | 'copy' | 'verify' | 'publish' | Phase | 'quick_check';
  readonly code: string;
  constructor(stage: TakeFailure['stage'], message: string, code = '') {
    super(message);
    this.stage = stage;
    this.code = code;
  }
}

export interface TakeContext {
  subject: string;
  dbPath: string;
  /** The snapshot folder. */
  dir: string;
  path: string;
  stage: TakeFailure['stage'];
  busyTimeoutMs: number;
}

export function explainTake(error: unknown, context: TakeContext): SnapshotError {
  if (error instanceof SnapshotError) return error;
  return takeFailure(context.subject, explain(error, context), error);
}

function explain(error: unknown, context: TakeContext): Explanation {
  const { dbPath, dir } = context;
  const stage = error instanceof TakeFailure ? error.stage : context.stage;
  const code = errorCode(error);
  const detail = firstLine(error);
  const again = `Run the step again; if it fails again, check the disk holding ${dir} and the database file ${dbPath}.`;

  if (error instanceof WorkerStopped) {
    return { reason: `the process copying it stopped unexpectedly (${detail})`, advice: again };
  }
  if (stage === 'quick_check') {
    return {
      reason: `the copy failed verification (quick_check: ${detail})`,
      advice: `The database itself may be damaged: run PRAGMA integrity_check on ${dbPath}. If that says ok, check the disk holding ${dir}.`,
    };
  }
  if (stage === 'publish' && code === 'SNAPSHOT_EXISTS') {
    return { reason: `a file named ${context.path} already exists`, advice: 'Move it away (Handrail never overwrites a snapshot), then run the step again.' };
  }
  if (code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY_') || code.startsWith('SQLITE_LOCKED')) {
    return {
      reason: `another process kept the database locked for more than ${formatWait(context.busyTimeoutMs)} (a long write transaction, or in rollback-journal mode a long read)`,
      advice: 'Wait for it to finish, or stop it, then run the step again.',
    };
  }
  if (stage === 'estimate' || stage === 'open' || stage === 'lock') {
    if (code === 'ENOENT' || code.startsWith('SQLITE_CANTOPEN')) {
      return { reason: `the database cannot be opened (${detail})`, advice: `Check that ${dbPath} exists and that the user running Handrail may read and write it.` };
    }
    if (code.startsWith('SQLITE_NOTADB') || code.startsWith('SQLITE_CORRUPT')) {
      return {
        reason: `the database file is damaged or not a SQLite database (${detail})`,
        advice: `Run PRAGMA integrity_check on ${dbPath}; restore it from a backup if that fails.`,
      };
    }
  }
  // Writing the copy, hashing, fsyncing and renaming all fail the same few ways.
  const folder = stage === 'estimate' ? undefined : explainFolderFailure(error, dir);
  if (folder) return folder;
  const what: Record<string, string> = {
    estimate: 'reading the database size',
    folder: `preparing ${dir}`,
    open: 'opening the database',
    lock: 'locking the database for the copy',
    copy: 'copying the database',
    prepare: 'replaying the copied WAL into the copy',
    check: 'checking the copy',
    verify: 'hashing and syncing the copy',
    publish: 'renaming the copy into place',
  };
  return { reason: `${what[stage] ?? stage} failed (${detail}${code ? `, ${code}` : ''})`, advice: again };
}

export interface RestoreContext {
  dbPath: string;
  snapshotPath: string;
  busyTimeoutMs: number;
}

/** `error` is a worker's 'failed' message or anything thrown while talking to it. */
export function explainRestore(error: unknown, context: RestoreContext): SnapshotError {
  if (error instanceof SnapshotError) return error;
  const { dbPath, snapshotPath } = context;
  const subject = `Restoring SQLite database ${dbPath} from ${snapshotPath}`;
  const failed = isFailedMessage(error) ? error : undefined;
  const phase = failed?.phase ?? 'restore';
  const code = failed ? failed.code : errorCode(error);
  const detail = failed ? failed.message : firstLine(error);
  const unchanged = 'Nothing was restored: the database is unchanged.';
  const say = (text: string): SnapshotError => new SnapshotError(`${subject} ${text}`, { cause: error });

  if (error instanceof WorkerStopped) {
    return say(
      `stopped before it finished (${detail}). The restore is one transaction: the database holds either its previous content or the snapshot's, never a mix ` +
        `(SQLite rolls an unfinished restore back when the database is next opened). Check which before going on.`,
    );
  }
  if (phase === 'aborted') return say(`was aborted (${detail}); SQLite rolled it back. ${unchanged}`);
  if (phase === 'busy' || code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return say(
      `was refused: ${detail || 'the database is busy'} (a process holds a write transaction on it, or in rollback-journal mode any open transaction). ` +
        `${unchanged} Stop or pause whatever is using the database, then restore again.`,
    );
  }
  if (phase === 'empty') return say(`was refused: ${detail}. ${unchanged} Check that ${snapshotPath} is the snapshot you meant.`);
  if (phase === 'open') {
    return say(`failed: the snapshot cannot be opened (${detail}). ${unchanged} Check that ${snapshotPath} exists and is a Handrail SQLite snapshot.`);
  }
  if (code.startsWith('SQLITE_FULL') || code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_IOERR')) {
    const why = code.startsWith('SQLITE_FULL') ? 'the disk is full' : code.startsWith('SQLITE_IOERR') ? 'the disk reported an I/O error' : 'it cannot be written';
    return say(`failed: ${why} (${detail}). ${unchanged} Make ${dbPath} and its folder writable, with room for a second copy of the database, then restore again.`);
  }
  return say(`failed (${detail}${code ? `, ${code}` : ''}). The restore is one transaction, so the database is unchanged. Run the restore again; if it fails again, keep the snapshot and check the disk.`);
}

function isFailedMessage(value: unknown): value is Extract<FromWorker, { type: 'failed' }> {
  return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'failed';
}
