// Practice environments (local-demo) create their SQLite database on first use from the
// inventory's `seed` SQL, so a newcomer can try every runbook with no servers.
import Database from 'better-sqlite3';
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';

/** Builds the database under a temporary name and renames it, so a crash leaves no half-seeded file. */
export function ensureSeededDatabase(path: string, seedSql: string, nativeBinding?: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const partial = `${path}.seeding-${process.pid}`;
  rmSync(partial, { force: true });
  const db = new Database(partial, nativeBinding ? { nativeBinding } : {});
  try {
    db.pragma('journal_mode = WAL');
    db.exec(seedSql);
  } catch (error) {
    db.close();
    rmSync(partial, { force: true });
    throw new Error(`could not create the practice database ${path} from its seed: ${(error as Error).message}; nothing was run`);
  }
  // Back to a single file before the rename: a WAL file would not follow it.
  db.pragma('journal_mode = DELETE');
  db.close();
  renameSync(partial, path);
}
