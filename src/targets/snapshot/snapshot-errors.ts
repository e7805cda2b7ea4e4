// Snapshot failures worded for the operator at 3 a.m. (STYLE.md 12): what failed, on which
// database, that the database itself was left alone, and what to do next.

/** A snapshot or restore failure; the message is complete and the original error is `cause`. */
export class SnapshotError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SnapshotError';
  }
}

export interface Explanation {
  reason: string;
  advice: string;
}

/** Said of every failed snapshot: taking one only ever reads the database. */
export const TAKE_UNCHANGED = 'The database itself was not changed and no snapshot was kept.';

export function takeFailure(subject: string, why: Explanation, cause?: unknown): SnapshotError {
  return new SnapshotError(`${subject} failed: ${why.reason}. ${TAKE_UNCHANGED} ${why.advice}`.trimEnd(), { cause });
}

export function abortedTake(subject: string): SnapshotError {
  return new SnapshotError(`${subject} was stopped because the run was aborted. ${TAKE_UNCHANGED}`);
}

/** The `code` of a Node system error (`ENOSPC`), a better-sqlite3 error (`SQLITE_FULL`) or ours. */
export function errorCode(error: unknown): string {
  if (typeof error !== 'object' || error === null || !('code' in error)) return '';
  return typeof error.code === 'string' ? error.code : '';
}

/** `300 ms`, `10 s`: how long something waited, as the operator reads it. */
export function formatWait(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}

/** The error's own first line, never a stack. */
export function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n', 1)[0] ?? '';
}

/**
 * Why writing into the snapshot folder failed, by error code; undefined when the code says
 * nothing specific. SQLite reports extended codes (`SQLITE_IOERR_WRITE`), hence startsWith.
 */
export function explainFolderFailure(error: unknown, dir: string): Explanation | undefined {
  const code = errorCode(error);
  const detail = firstLine(error);
  if (code === 'ENOSPC' || code === 'EDQUOT' || code.startsWith('SQLITE_FULL')) {
    return {
      reason: `not enough space in ${dir}: ${detail}`,
      advice: `Free some space there (older snapshots are often the largest files) or move the data folder to a bigger disk, then run the step again.`,
    };
  }
  if (code === 'EROFS') {
    return {
      reason: `${dir} is on a read-only file system (${detail})`,
      advice: `Remount that disk read-write or choose a data folder on a writable disk, then run the step again.`,
    };
  }
  if (code === 'EACCES' || code === 'EPERM' || code.startsWith('SQLITE_READONLY')) {
    return {
      reason: `no permission to write in ${dir} (${detail})`,
      advice: `Make ${dir} writable by the user running Handrail, or choose another data folder, then run the step again.`,
    };
  }
  if (code === 'ENOTDIR' || code === 'EEXIST') {
    return {
      reason: `${dir} cannot be used as a folder: part of that path is a file (${detail})`,
      advice: `Move that file out of the way or choose another data folder, then run the step again.`,
    };
  }
  if (code === 'EIO' || code.startsWith('SQLITE_IOERR')) {
    return {
      reason: `the disk holding ${dir} reported an I/O error (${detail})`,
      advice: `Check that disk (dmesg, SMART) before trusting anything written to it.`,
    };
  }
  return undefined;
}
