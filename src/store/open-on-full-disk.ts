// Reading Handrail's database when its disk has 0 bytes free. A WAL database's first
// connection rebuilds its shared-memory index (-shm) and must grow that file, which fails on a
// full disk (SQLITE_IOERR_SHMSIZE) before a single row is read. In EXCLUSIVE locking mode
// SQLite keeps that index in the process's own memory instead, so reading works; the price is
// that, while this connection is open, no other Handrail can use the database — acceptable for
// the short reading commands (`runs`, `show`, `audit verify`) this exists for, and a writer
// could not do anything on this disk anyway. query_only makes every write refuse.
import Database from 'better-sqlite3';
import { MIGRATIONS } from './known-migrations.js';
import { assertHandrailDatabase } from './migrate.js';

/** The connection, or undefined when even this way cannot read it (the caller reports the original fault). */
export function openOnFullDisk(path: string, nativeBinding: string | undefined): Database.Database | undefined {
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { fileMustExist: true, timeout: 5000, ...(nativeBinding ? { nativeBinding } : {}) });
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('query_only = ON');
    assertHandrailDatabase(db, path);
    // A schema this build would migrate cannot be read as if it were current.
    const applied = db.prepare('SELECT count(*) FROM _migrations').pluck().get() as number;
    if (applied !== MIGRATIONS.length) throw new Error('the schema needs a migration');
    return db;
  } catch {
    db?.close();
    return undefined;
  }
}
