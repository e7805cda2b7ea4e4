// What a team lock is keyed by: the database itself as every machine of the team names it,
// never the inventory's logical name (two environments may call one database by two names).
// PostgreSQL: the server's host (lowercased), port (5432 by default) and database (libpq's
// default: the user name). SQLite: the file's real path on this host; a file is only ever
// changed from the host it lives on, so the host is part of its identity.
import { realpathSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { TargetSpec } from '../../contract/inventory.js';

export type DatabaseSpec = Extract<TargetSpec, { sqlite: string }> | Extract<TargetSpec, { postgres: string }>;

export function teamLockKey(spec: DatabaseSpec, resolvePath: (p: string) => string): string {
  if ('sqlite' in spec) return `sqlite://${hostname().toLowerCase()}${realPath(resolvePath(spec.sqlite))}`;
  const url = new URL(spec.postgres);
  const database = decodeURIComponent(url.pathname.slice(1)) || decodeURIComponent(url.username) || 'postgres';
  return `postgres://${(url.hostname || 'localhost').toLowerCase()}:${url.port || '5432'}/${database}`;
}

function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    // Not created yet: its folder's real path and its name identify it as well.
    try {
      return join(realpathSync(dirname(path)), basename(path));
    } catch {
      return path;
    }
  }
}
