// Two database targets that count their changes: a SQLite file and a real PostgreSQL database,
// each with a one-row `counter` table at 0, named `lite` and `pgdb` in environment `dev` of a
// fresh workspace. For tests that check how many times a change ran.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { type PgHandle, startPostgres } from './postgres.js';

export interface CounterDatabases {
  pg: PgHandle;
  workspace: string;
  /** The SQLite database's path. */
  dbPath: string;
  sqliteCount(): Promise<number>;
  pgCount(): Promise<number>;
}

/** Starts PostgreSQL and writes the workspace under `root`; the password is read from `passwordEnv`. */
export async function counterDatabases(root: string, passwordEnv: string): Promise<CounterDatabases> {
  const pg = await startPostgres();
  await pg.psql('CREATE TABLE counter (n integer NOT NULL); INSERT INTO counter VALUES (0);');
  const workspace = join(root, 'ws');
  const dbPath = join(root, 'app.db');
  mkdirSync(workspace);
  const db = new Database(dbPath);
  db.exec('CREATE TABLE counter (n INTEGER NOT NULL); INSERT INTO counter VALUES (0);');
  db.close();
  writeFileSync(
    join(workspace, 'handrail.yml'),
    `environments:
  dev:
    targets:
      lite: { sqlite: ${JSON.stringify(dbPath)} }
      pgdb: { postgres: ${JSON.stringify(pg.url)}, password-env: ${passwordEnv} }
`,
  );
  return {
    pg,
    workspace,
    dbPath,
    sqliteCount: () => {
      const reader = new Database(dbPath, { readonly: true });
      try {
        return Promise.resolve(Number(reader.prepare('SELECT n FROM counter').pluck().get()));
      } finally {
        reader.close();
      }
    },
    pgCount: async () => Number(await pg.psql('SELECT n FROM counter')),
  };
}
