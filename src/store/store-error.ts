/**
 * A failure of Handrail's own database, worded for the operator: what failed, where, what
 * was left unchanged, what to do. The message never contains a stack; the original error is
 * kept as `cause` for logs. src/app turns it into the error its entry points print.
 */
export class StoreError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
  }
}

/** The `code` of a Node system error (`ENOTDIR`) or a better-sqlite3 error (`SQLITE_FULL`). */
export function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}

/** The error's own one-line message, without any stack. */
export function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n', 1)[0] ?? '';
}

/** Where opening failed: creating the data directory, or opening the database in it. */
export interface OpenFailureContext {
  dbPath: string;
  dataDir: string;
  creatingDir: boolean;
}

/**
 * Why opening failed and what to do about it, by error code. SQLite reports an extended
 * code (`SQLITE_IOERR_WRITE`) where the base one is all we need.
 */
export function describeOpenFailure(error: unknown, where: OpenFailureContext): string {
  const { dbPath, dataDir } = where;
  const code = errorCode(error) ?? '';
  const detail = firstLine(error);
  const unchanged = 'Nothing was changed.';
  if (code === 'ENOSPC' || code === 'EDQUOT' || code.startsWith('SQLITE_FULL')) {
    return (
      `Handrail cannot write its database ${dbPath}: the disk is full (${detail}). ` +
      `${unchanged} Free some space on that disk (old snapshots in ${dataDir}/snapshots are often the largest files), then try again.`
    );
  }
  if (where.creatingDir) {
    const why =
      code === 'ENOTDIR' || code === 'EEXIST'
        ? 'part of that path is a file, not a directory'
        : code === 'EACCES' || code === 'EPERM' || code === 'EROFS'
          ? 'permission denied or read-only file system'
          : 'the folder could not be created';
    return (
      `Handrail cannot create its data directory ${dataDir}: ${why} (${detail}). ${unchanged} ` +
      `Choose another folder with --data-dir or HANDRAIL_DATA_DIR, or create this one with write access for this user.`
    );
  }
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS' || code.startsWith('SQLITE_READONLY')) {
    return (
      `Handrail cannot write its database ${dbPath}: permission denied or read-only file system (${detail}). ` +
      `${unchanged} Make ${dataDir} and the files in it writable by this user, or choose another folder with --data-dir.`
    );
  }
  if (code.startsWith('SQLITE_NOTADB') || code.startsWith('SQLITE_CORRUPT')) {
    return (
      `${dbPath} is not a readable Handrail database: ${detail}. ${unchanged} ` +
      `If the file was damaged, move it aside (keep it: it holds the run history and audit trail) ` +
      `and restore it from a backup, or choose another folder with --data-dir.`
    );
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return (
      `Handrail's database ${dbPath} stayed locked by another process for more than 5 seconds (${detail}). ` +
      `${unchanged} Wait for the other Handrail (CLI or app) to finish, or close it, then try again.`
    );
  }
  return (
    `Handrail cannot open its database ${dbPath}: ${detail}${code ? ` (${code})` : ''}. ` +
    `${unchanged} Check that ${dbPath} is a database file (not a folder) on a local disk that works, ` +
    `or choose another folder with --data-dir.`
  );
}
