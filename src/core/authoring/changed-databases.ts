// Which database targets of an environment a recorded shell command changes, so its step
// is saved with `mutates` (and so gets a verified snapshot before it runs) rather than as
// a harmless shell step. A client that writes (psql, sqlite3) is matched to the target it
// names — the SQLite file, or the PostgreSQL URL or database name — or, when it names none
// that matches, to the one target of its kind when the environment has exactly one.
import type { TargetSpec } from '../../contract/inventory.js';
import { parseShellScript, ShellSyntaxError, type ShellCall } from './shell-commands.js';
import { databaseNamedBy, sqlClientOf, sqlEffect, sqlFedTo, type SqlClient } from './sql-in-shell.js';
import { baseName, withWrappedCalls } from './wrapped-commands.js';

const KIND: Partial<Record<SqlClient, 'sqlite' | 'postgres'>> = { sqlite3: 'sqlite', psql: 'postgres' };

/** The names of the database targets (of `targets`) that `command` changes, in the order of `targets`. */
export async function databasesChanged(command: string, targets: Record<string, TargetSpec>): Promise<string[]> {
  let calls: ShellCall[];
  try {
    calls = (await parseShellScript(command)).commands.flatMap((c) => c.calls);
  } catch (error) {
    if (error instanceof ShellSyntaxError) return [];
    throw error;
  }
  const changed = new Set<string>();
  for (const call of calls) {
    for (const effective of await withWrappedCalls(call, (name) => sqlClientOf(name) !== undefined)) {
      const client = sqlClientOf(effective.name);
      const kind = client && KIND[client];
      if (!client || !kind) continue;
      const writes = sqlFedTo(effective).some((fed) => fed.sql === null || sqlEffect(fed.sql, client).writes);
      if (!writes) continue;
      const candidates = Object.entries(targets).filter(([, spec]) => typeof spec === 'object' && kind in spec);
      const named = databaseNamedBy(effective);
      const matching = named === undefined ? [] : candidates.filter(([, spec]) => names(spec, named));
      const chosen = matching.length > 0 ? matching : candidates.length === 1 ? candidates : [];
      for (const [name] of chosen) changed.add(name);
    }
  }
  return Object.keys(targets).filter((name) => changed.has(name));
}

/** Whether `named` (as written in the command) is this database target. */
function names(spec: TargetSpec, named: string): boolean {
  if (typeof spec !== 'object') return false;
  if ('sqlite' in spec) return spec.sqlite === named || baseName(spec.sqlite) === baseName(named);
  if ('postgres' in spec) return spec.postgres === named || databaseOfUrl(spec.postgres) === named;
  return false;
}

function databaseOfUrl(url: string): string | undefined {
  try {
    return decodeURIComponent(new URL(url).pathname.replace(/^\//, '')) || undefined;
  } catch {
    return undefined;
  }
}
