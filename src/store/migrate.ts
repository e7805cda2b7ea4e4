import { createHash } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { MIGRATIONS, type Migration } from './known-migrations.js';
import { StoreError, errorCode, firstLine } from './store-error.js';

interface AppliedRow {
  id: number;
  name: string;
  sha256: string;
}

const MIGRATION_NAME = /^(\d{4})-[a-z0-9][a-z0-9-]*$/;

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** `0001-runs` → 1. */
export function migrationId(migration: Migration): number {
  const match = MIGRATION_NAME.exec(migration.name);
  if (!match?.[1]) throw new Error(`Migration name ${JSON.stringify(migration.name)} is not NNNN-words`);
  return Number(match[1]);
}

/**
 * Brings the schema up to date: refuses a database that is not Handrail's, was written by a
 * newer Handrail, or whose applied migrations were edited since; then applies each pending
 * migration in its own transaction and records `(id, name, sha256, applied_at)`.
 * Returns the names applied now.
 */
export function migrate(
  db: Database,
  dbPath: string,
  migrations: readonly Migration[] = MIGRATIONS,
  now: () => Date = () => new Date(),
): string[] {
  checkNumbering(migrations);
  // IMMEDIATE takes the write lock up front, so two Handrail processes starting at once
  // cannot both decide the same migration is pending.
  const applied = db.transaction(() => prepare(db, dbPath, migrations)).immediate();
  const done: string[] = [];
  let last = applied.length > 0 ? applied[applied.length - 1]?.name : undefined;
  for (const migration of migrations) {
    const id = migrationId(migration);
    try {
      const ran = db
        .transaction(() => {
          if (db.prepare('SELECT 1 FROM _migrations WHERE id = ?').get(id)) return false; // another process did it
          db.exec(migration.sql);
          db.prepare('INSERT INTO _migrations (id, name, sha256, applied_at) VALUES (?, ?, ?, ?)').run(
            id,
            migration.name,
            sha256Hex(migration.sql),
            now().toISOString(),
          );
          return true;
        })
        .immediate();
      if (ran) done.push(migration.name);
    } catch (error) {
      throw new StoreError(migrationFailed(dbPath, migration.name, last, error), { cause: error });
    }
    last = migration.name;
  }
  return done;
}

/**
 * Refuses a SQLite file that holds tables but no `_migrations`: another program's database,
 * which Handrail must not add tables to. Only reads, so it can run before anything is set.
 */
export function assertHandrailDatabase(db: Database, dbPath: string): void {
  const tables = db
    .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'")
    .pluck()
    .all() as string[];
  if (tables.length > 0 && !tables.includes('_migrations')) {
    throw new StoreError(
      `Refusing to open ${dbPath}: it is a SQLite database, but not Handrail's (it has the tables ` +
        `${tables.slice(0, 5).join(', ')} and no _migrations table). Nothing was changed. ` +
        `Give Handrail a folder of its own with --data-dir or HANDRAIL_DATA_DIR.`,
    );
  }
}

function prepare(db: Database, dbPath: string, migrations: readonly Migration[]): AppliedRow[] {
  assertHandrailDatabase(db, dbPath);
  db.exec(
    `CREATE TABLE IF NOT EXISTS _migrations (
       id INTEGER PRIMARY KEY, name TEXT NOT NULL, sha256 TEXT NOT NULL, applied_at TEXT NOT NULL
     ) STRICT`,
  );
  const applied = db.prepare('SELECT id, name, sha256 FROM _migrations ORDER BY id').all() as AppliedRow[];
  const known = new Map(migrations.map((m) => [migrationId(m), m]));
  const newest = migrations[migrations.length - 1]?.name ?? '(none)';
  for (const row of applied) {
    const migration = known.get(row.id);
    if (!migration) {
      throw new StoreError(
        `Refusing to open ${dbPath}: it was last used by a newer version of Handrail (it has migration ` +
          `${row.name}, and this version knows migrations only up to ${newest}). Nothing was changed. ` +
          `Use that newer Handrail, or give this one another folder with --data-dir.`,
      );
    }
    if (row.name !== migration.name || row.sha256 !== sha256Hex(migration.sql)) {
      const renamed = row.name !== migration.name ? ` (it was applied under the name ${row.name})` : '';
      throw new StoreError(
        `Refusing to open ${dbPath}: migration ${migration.name} was edited after it was applied${renamed}; ` +
          `the database recorded SHA-256 ${row.sha256.slice(0, 12)}…, this build has ${sha256Hex(migration.sql).slice(0, 12)}…. ` +
          `Nothing was changed. This build of Handrail does not match the schema it would run against: ` +
          `use a released Handrail, and report this build (an applied migration must never change; schema changes go in a new migration).`,
      );
    }
  }
  return applied;
}

function checkNumbering(migrations: readonly Migration[]): void {
  migrations.forEach((migration, index) => {
    if (migrationId(migration) !== index + 1) {
      throw new Error(`Migration ${migration.name} is number ${index + 1} in the list; numbers must run 1, 2, 3…`);
    }
  });
}

function migrationFailed(dbPath: string, name: string, last: string | undefined, error: unknown): string {
  const code = errorCode(error) ?? '';
  const state = last ? `the database is as migration ${last} left it` : 'the database is still empty';
  const advice = code.startsWith('SQLITE_FULL')
    ? 'Free some space on that disk, then start Handrail again.'
    : code.startsWith('SQLITE_BUSY')
      ? 'Another Handrail process held the database; close it and start again.'
      : 'Start Handrail again; if it fails the same way, report it with this message.';
  return (
    `Could not upgrade ${dbPath}: migration ${name} failed (${firstLine(error)}${code ? `, ${code}` : ''}) and was rolled back; ` +
    `${state}, no data was lost. ${advice}`
  );
}
