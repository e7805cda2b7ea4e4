// Numbered, hash-checked migrations of the team ledger, as the local store has them: each
// applied migration's SHA-256 is recorded in handrail._migrations, and a ledger whose applied
// SQL differs from this build's (an edited migration) or that a newer Handrail migrated is
// refused, by `team init` and by every machine that ships to it.
import { createHash } from 'node:crypto';
import { LEDGER_MIGRATIONS, type LedgerMigration } from './known-ledger-migrations.js';
import type { LedgerClient } from './ledger-connection.js';

/** Keeps two `team init` runs from applying the same migration at once ('HRLK', 'INIT'). */
const INIT_LOCK = [0x48524c4b, 0x494e4954] as const;

interface AppliedRow {
  id: number;
  name: string;
  sha256: string;
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function idOf(migration: LedgerMigration): number {
  const match = /^(\d{4})-[a-z0-9-]+$/.exec(migration.name);
  if (!match?.[1]) throw new Error(`Ledger migration name ${JSON.stringify(migration.name)} is not NNNN-words`);
  return Number(match[1]);
}

/**
 * Creates schema `handrail` and applies the pending migrations, all in one transaction (PostgreSQL's
 * DDL is transactional: a failure leaves the ledger as it was). Returns the names applied now.
 */
export async function migrateLedger(client: LedgerClient, migrations: readonly LedgerMigration[] = LEDGER_MIGRATIONS): Promise<string[]> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1, $2)', [...INIT_LOCK]);
    await client.query('CREATE SCHEMA IF NOT EXISTS handrail');
    await client.query(`CREATE TABLE IF NOT EXISTS handrail._migrations (
      id INTEGER PRIMARY KEY, name TEXT NOT NULL, sha256 TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`);
    const applied = (await client.query<AppliedRow>('SELECT id, name, sha256 FROM handrail._migrations ORDER BY id')).rows;
    const problem = schemaProblem(applied, migrations);
    if (problem && problem.kind !== 'behind') throw new Error(problem.message);
    const done = new Set(applied.map((row) => row.id));
    const ran: string[] = [];
    for (const migration of migrations) {
      if (done.has(idOf(migration))) continue;
      await client.query(migration.sql);
      await client.query('INSERT INTO handrail._migrations (id, name, sha256) VALUES ($1, $2, $3)', [idOf(migration), migration.name, sha256Hex(migration.sql)]);
      ran.push(migration.name);
    }
    await client.query('COMMIT');
    return ran;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

export interface LedgerSchemaProblem {
  kind: 'missing' | 'behind' | 'newer' | 'edited';
  message: string;
}

/** Whether this build can use the ledger's schema as it is; read-only. */
export async function checkLedgerSchema(client: LedgerClient, migrations: readonly LedgerMigration[] = LEDGER_MIGRATIONS): Promise<LedgerSchemaProblem | null> {
  const exists = await client.query<{ found: boolean }>("SELECT to_regclass('handrail._migrations') IS NOT NULL AS found");
  if (!exists.rows[0]?.found) {
    return { kind: 'missing', message: 'the database has no team ledger yet (schema handrail): whoever administers it runs `handrail team init` once' };
  }
  const applied = (await client.query<AppliedRow>('SELECT id, name, sha256 FROM handrail._migrations ORDER BY id')).rows;
  return schemaProblem(applied, migrations);
}

function schemaProblem(applied: readonly AppliedRow[], migrations: readonly LedgerMigration[]): LedgerSchemaProblem | null {
  const known = new Map(migrations.map((m) => [idOf(m), m]));
  const newest = migrations.at(-1)?.name ?? '(none)';
  for (const row of applied) {
    const migration = known.get(row.id);
    if (!migration) {
      return { kind: 'newer', message: `the team ledger was migrated by a newer Handrail (it has ${row.name}; this one knows up to ${newest}): upgrade Handrail on this machine` };
    }
    if (row.name !== migration.name || row.sha256 !== sha256Hex(migration.sql)) {
      return {
        kind: 'edited',
        message: `the team ledger's migration ${row.name} does not match this build's (SHA-256 ${row.sha256.slice(0, 12)}… there, ${sha256Hex(migration.sql).slice(0, 12)}… here): the ledger's schema was changed by hand, or this build is not a released one`,
      };
    }
  }
  if (applied.length < migrations.length) {
    return { kind: 'behind', message: `the team ledger needs migration ${migrations[applied.length]?.name ?? newest}: whoever administers it runs \`handrail team init\` again` };
  }
  return null;
}
