// The compiled module when `npm run build` made one — what ships, with .js workers that start
// in a few tens of milliseconds — else the TypeScript source (workers then start through tsx).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export type SqliteModule = typeof import('../../src/targets/snapshot/sqlite-snapshot.js');
export type PostgresModule = typeof import('../../src/targets/snapshot/postgres-snapshot.js');

export async function loadSnapshotModule<T>(name: 'sqlite-snapshot' | 'postgres-snapshot', source: () => Promise<T>): Promise<T> {
  const compiled = resolve(import.meta.dirname, `../../dist/targets/snapshot/${name}.js`);
  return existsSync(compiled) ? ((await import(pathToFileURL(compiled).href)) as T) : source();
}
