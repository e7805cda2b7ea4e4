// One open app database and the stores over it, shared by every service of a process: the
// consoles open it once and close it once, instead of each service opening its own
// connection to the same file. A CLI command that builds one service alone gets a context
// of its own, which that service closes with itself.
import { openAppDatabase, type AppDatabase } from '../store/open-database.js';
import { RunStore } from '../store/run-store.js';
import { SnapshotStore } from '../store/snapshot-store.js';
import { UserError } from './errors.js';
import { RunbookVersions } from './runbook-versions.js';
import type { Settings } from './settings.js';

export class AppContext {
  /** The database connection, for the queries that read it directly. */
  readonly db: AppDatabase['db'];
  /** Runs, steps, output and the audit chain. */
  readonly store: RunStore;
  readonly snapshots: SnapshotStore;
  /** Every runbook content run here, stored by hash. */
  readonly versions: RunbookVersions;
  private closed = false;

  private constructor(
    readonly settings: Settings,
    /** The opened database itself: its path, and the full disk it was opened on, if so. */
    readonly database: AppDatabase,
  ) {
    this.db = database.db;
    this.store = new RunStore(this.db, { maxOutputBytesPerAttempt: settings.maxOutputBytes });
    this.snapshots = new SnapshotStore(this.db);
    this.versions = new RunbookVersions(this.db);
  }

  /** Opens the data folder's database; its failures are worded for the operator already (what, where, what next). */
  static open(settings: Settings): AppContext {
    let database: AppDatabase;
    try {
      database = openAppDatabase(settings.dataDir);
    } catch (error) {
      throw new UserError(error instanceof Error ? error.message : String(error), 1);
    }
    return new AppContext(settings, database);
  }

  /** Closes the database once; later calls do nothing. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.database.close();
  }
}

/**
 * A service over the app database: it works in the context it was given (the consoles share
 * one) and leaves it open, or opens one of its own (a CLI command) and closes it with itself.
 */
export abstract class ContextService {
  protected readonly context: AppContext;
  private readonly owned: boolean;

  constructor(
    readonly settings: Settings,
    shared?: AppContext,
  ) {
    this.context = shared ?? AppContext.open(settings);
    this.owned = shared === undefined;
  }

  close(): void {
    if (this.owned) this.context.close();
  }
}
