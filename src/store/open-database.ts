import { accessSync, constants, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { tightenDataDir } from './data-dir-modes.js';
import { assertHandrailDatabase, migrate } from './migrate.js';
import { openOnFullDisk } from './open-on-full-disk.js';
import { describeStorageFault, storageAdvice, storageFaultKind } from './storage-fault.js';
import { StoreError, describeOpenFailure } from './store-error.js';

export const APP_DATABASE_FILE = 'handrail.db';

/** How long a statement waits for another process's write lock before failing. */
const BUSY_TIMEOUT_MS = 5000;

export interface AppDatabase {
  readonly db: Database.Database;
  /** The database file, for messages. */
  readonly path: string;
  /**
   * Set when the disk holding the data folder is full: the database was opened to read only
   * (see open-on-full-disk.ts) and this is the fault that stopped the normal opening.
   */
  readonly fullDisk?: unknown;
  close(): void;
}

export interface OpenOptions {
  /**
   * better-sqlite3's compiled addon to load. Electron needs a build for its own ABI, kept
   * apart from the Node build the CLI and tests use (docs/ARCHITECTURE.md, "Native module ABI").
   * Default: electronNativeBinding().
   */
  nativeBinding?: string;
}

/**
 * The Electron build of better-sqlite3 named by HANDRAIL_SQLITE_BINDING, but only inside an
 * Electron process (the desktop app's service process sets it): plain Node ignores the
 * variable and keeps better-sqlite3's own build, so a variable leaked into a shell can
 * never make the CLI or the tests load an addon of the wrong ABI.
 */
export function electronNativeBinding(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return process.versions.electron ? env.HANDRAIL_SQLITE_BINDING || undefined : undefined;
}

/**
 * Opens (creating when missing) `dataDir/handrail.db`, configured for durability, with its
 * schema migrated to this build. Every failure is a StoreError whose message an operator can
 * act on; on failure the connection is closed again.
 */
export function openAppDatabase(dataDir: string, options: OpenOptions = {}): AppDatabase {
  const path = join(dataDir, APP_DATABASE_FILE);
  let created: string | undefined;
  try {
    // 0700: the database holds runbook sources, inputs and command output.
    created = mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new StoreError(describeOpenFailure(error, { dbPath: path, dataDir, creatingDir: true }), { cause: error });
  }
  let db: Database.Database | undefined;
  try {
    // SQLite creates handrail.db-wal and -shm beside the database on every open, so the
    // folder itself must be writable; checking first turns SQLite's bare "unable to open
    // database file" into a permission message.
    accessSync(dataDir, constants.W_OK | constants.X_OK);
    const nativeBinding = options.nativeBinding ?? electronNativeBinding();
    db = new Database(path, { timeout: BUSY_TIMEOUT_MS, ...(nativeBinding ? { nativeBinding } : {}) });
    // The first read of the file: a file that is not a database fails here (SQLITE_NOTADB),
    // and another program's database is refused, before configure() switches it to WAL
    // (which rewrites the file header).
    assertHandrailDatabase(db, path);
    // Only now, once the file is known to be Handrail's: another program's database, refused
    // above, keeps its mode. Before configure(): SQLite gives the -wal and -shm files it
    // creates the database file's mode, so a 0600 database makes them 0600 too.
    tightenDataDir(dataDir, created !== undefined);
    configure(db);
    migrate(db, path);
  } catch (error) {
    db?.close();
    if (storageFaultKind(error, dataDir) === 'full') {
      const reader = openOnFullDisk(path, options.nativeBinding ?? electronNativeBinding());
      if (reader) return asAppDatabase(reader, path, error);
      const fault = describeStorageFault(error, dataDir);
      throw new StoreError(`Handrail cannot open its database ${path}: ${fault}. Nothing was changed. ${storageAdvice(dataDir)}.`, { cause: error });
    }
    if (error instanceof StoreError) throw error;
    throw new StoreError(describeOpenFailure(error, { dbPath: path, dataDir, creatingDir: false }), { cause: error });
  }
  return asAppDatabase(db, path);
}

/** The handle callers get: closing twice is harmless (a shutdown path may close it again). */
export function asAppDatabase(db: Database.Database, path: string, fullDisk?: unknown): AppDatabase {
  return {
    db,
    path,
    ...(fullDisk !== undefined ? { fullDisk } : {}),
    close: () => {
      if (db.open) db.close();
    },
  };
}

function configure(db: Database.Database): void {
  // WAL: readers (the UI, `handrail runs`) never block the engine's writes, and a crash
  // mid-transaction leaves the last committed state intact.
  db.pragma('journal_mode = WAL');
  // FULL, set after WAL on every open: in WAL mode SQLite's NORMAL does not fsync at each
  // commit, so a power loss can undo transactions already reported as committed. And
  // better-sqlite3 builds SQLite with SQLITE_DEFAULT_WAL_SYNCHRONOUS=1, so a connection to a
  // WAL database starts at NORMAL. Here a committed step transition must be on disk before
  // the step's side effect runs (docs/DESIGN.md, "Execution semantics" and "Audit trail").
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  const synchronous: unknown = db.pragma('synchronous', { simple: true });
  if (synchronous !== 2) {
    throw new StoreError(
      `Handrail could not make its database durable (PRAGMA synchronous is ${String(synchronous)}, expected 2 = FULL). ` +
        'Nothing was changed. Report this with the Handrail and platform versions.',
    );
  }
}
