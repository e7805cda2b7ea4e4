// A fault of the disk under Handrail's data folder, told apart from a bug: SQLite says
// "database or disk is full" (SQLITE_FULL), an I/O error (SQLITE_IOERR_*: on a disk with 0
// bytes free it cannot even grow its -shm file), Node says ENOSPC. Each gets a message that
// names the folder, the free space and what to do.
import { statfsSync } from 'node:fs';
import { errorCode, firstLine } from './store-error.js';

/** Below this, an I/O error on the data folder's disk is taken for a full disk. */
const NEARLY_FULL_BYTES = 1024 * 1024;

const FULL_CODES = new Set(['ENOSPC', 'EDQUOT']);
const IO_CODES = new Set(['EIO', 'EROFS']);

export type StorageFaultKind = 'full' | 'io';

/** Whether `error` is a fault of the disk rather than of the code; which kind, given the disk's free space. */
export function storageFaultKind(error: unknown, dataDir: string): StorageFaultKind | undefined {
  const code = codeOf(error);
  if (FULL_CODES.has(code) || code.startsWith('SQLITE_FULL')) return 'full';
  const full = () => {
    const free = freeBytes(dataDir);
    return free !== undefined && free < NEARLY_FULL_BYTES;
  };
  if (IO_CODES.has(code) || code.startsWith('SQLITE_IOERR')) return full() ? 'full' : 'io';
  // The connection that reads a database on a full disk refuses writes (SQLITE_READONLY) and
  // holds the database alone (another opening gets SQLITE_BUSY): "full" only when it is.
  if ((code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_BUSY')) && full()) return 'full';
  return undefined;
}

/** Whether the error itself says the disk is full, whatever disk it was (for callers that do not know the data folder). */
export function isDiskFull(error: unknown): boolean {
  const code = codeOf(error);
  return FULL_CODES.has(code) || code.startsWith('SQLITE_FULL');
}

/** Bytes an unprivileged writer can still use on the disk holding `dir`; undefined when it cannot be asked. */
export function freeBytes(dir: string): number | undefined {
  try {
    const fs = statfsSync(dir);
    return fs.bavail * fs.bsize;
  } catch {
    return undefined;
  }
}

export function megabytes(bytes: number | undefined): string {
  return bytes === undefined ? 'free space unknown' : `${(bytes / 1024 / 1024).toFixed(1)} MB free`;
}

/**
 * "the disk holding DIR is full (N MB free): SQLite's words" — the first half of every
 * message about it; the caller says what was done and what to do, which only it knows.
 */
export function describeStorageFault(error: unknown, dataDir: string): string {
  const kind = storageFaultKind(error, dataDir) ?? 'io';
  const code = codeOf(error) || undefined;
  const detail = `${firstLine(error)}${code ? ` (${code})` : ''}`;
  return kind === 'full'
    ? `the disk holding ${dataDir} is full (${megabytes(freeBytes(dataDir))}): ${detail}`
    : `the disk holding ${dataDir} reported an I/O error (${megabytes(freeBytes(dataDir))}): ${detail}`;
}

/**
 * Free space below which nothing is started: a step that runs but whose end cannot be
 * recorded is a step in doubt, so a run, a resume or a snapshot needs some room first. The
 * same line as "full" above: a disk with more room may still fill during a step, and that
 * is recorded when it happens (see run-stop-notes.ts).
 */
export const MIN_FREE_TO_START = NEARLY_FULL_BYTES;

/** When the disk holding `dataDir` has too little room to record a run: the message's first half; else undefined. */
export function tooLittleRoom(dataDir: string): string | undefined {
  const free = freeBytes(dataDir);
  if (free === undefined || free >= MIN_FREE_TO_START) return undefined;
  return `the disk holding ${dataDir} is full (${megabytes(free)}; Handrail needs ${megabytes(MIN_FREE_TO_START).replace(' free', '')} to record a run)`;
}

/** What to do about it, the same advice everywhere. */
export function storageAdvice(dataDir: string): string {
  return `Free some space on that disk (old snapshots in ${dataDir}/snapshots are often the largest files; \`handrail snapshots\` lists them), then run the command again`;
}

/** The code of the error or of its cause: the store wraps SQLite's errors in its own. */
function codeOf(error: unknown): string {
  return errorCode(error) ?? (error instanceof Error ? errorCode(error.cause) : undefined) ?? '';
}
