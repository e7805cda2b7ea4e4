// What a team lock is keyed by: the database itself as every machine of the team names it,
// never the inventory's logical name (two environments may call one database by two names).
// PostgreSQL: the server's host (lowercased), port (5432 by default) and database (libpq's
// default: the user name). SQLite: the file's real path on this host; a file is only ever
// changed from the host it lives on, so the host is part of its identity.
import { hostname } from 'node:os';
import type { TargetSpec } from '../../contract/inventory.js';
import { realPathOf } from '../snapshot-file.js';

export type DatabaseSpec = Extract<TargetSpec, { sqlite: string }> | Extract<TargetSpec, { postgres: string }>;

export function teamLockKey(spec: DatabaseSpec, resolvePath: (p: string) => string): string {
  if ('sqlite' in spec) return `sqlite://${hostname().toLowerCase()}${realPathOf(resolvePath(spec.sqlite))}`;
  const url = new URL(spec.postgres);
  const database = decodeURIComponent(url.pathname.slice(1)) || decodeURIComponent(url.username) || 'postgres';
  return `postgres://${(url.hostname || 'localhost').toLowerCase()}:${url.port || '5432'}/${database}`;
}
