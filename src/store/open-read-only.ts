// Opens the app database to read, never to create or change it: for commands that need no
// data directory of their own (validate) but should consult one where it exists.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { assertHandrailDatabase } from './migrate.js';
import { APP_DATABASE_FILE, asAppDatabase, electronNativeBinding, type AppDatabase } from './open-database.js';
import { StoreError, firstLine } from './store-error.js';

/** undefined when the data directory has no database yet: there is nothing to consult. */
export function openAppDatabaseReadOnly(dataDir: string): AppDatabase | undefined {
  const path = join(dataDir, APP_DATABASE_FILE);
  if (!existsSync(path)) return undefined;
  let db: Database.Database | undefined;
  try {
    const nativeBinding = electronNativeBinding();
    db = new Database(path, { readonly: true, fileMustExist: true, timeout: 5000, ...(nativeBinding ? { nativeBinding } : {}) });
    assertHandrailDatabase(db, path);
  } catch (error) {
    db?.close();
    if (error instanceof StoreError) throw error;
    throw new StoreError(`cannot read Handrail's database ${path} (${firstLine(error)}); nothing was changed`, { cause: error });
  }
  return asAppDatabase(db, path);
}
