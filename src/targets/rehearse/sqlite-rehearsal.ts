// The stand-in of a SQLite target in a rehearsal: a copy made exactly as a snapshot is (a
// consistent online copy, verified), in a folder the caller deletes afterwards. The real
// database is only read, by the snapshot's copy. Each step runs inside a savepoint on the
// copy; its effects stay for the steps after it unless it failed or its expectation would
// not hold, as a run would roll it back. The copy is private to this process, so running its
// statements here (not in a worker) never blocks anyone else; only the CLI rehearses.
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { SqlValue } from '../../core/engine/ports.js';
import type { RehearsalDatabase, RehearsalStep, RehearsedSql } from '../../core/plan/rehearse-plan.js';
import type { RehearsedStatement } from '../../contract/plan.js';
import { createSqliteSnapshotProvider } from '../snapshot/sqlite-snapshot.js';
import { ensureSeededDatabase } from '../sqlite-seed.js';
import { bindStatements } from '../sql-statements.js';

export interface SqliteRehearsalOptions {
  /** An empty private folder the caller removes afterwards. */
  folder: string;
  /** The target's seed SQL, when the inventory gives one (a practice database not created yet). */
  seedSql?: string | undefined;
  nativeBinding?: string | undefined;
}

export async function openSqliteRehearsal(source: string, options: SqliteRehearsalOptions, signal = new AbortController().signal): Promise<{ database: RehearsalDatabase; madeFrom: 'copy' | 'seed' }> {
  const copy = join(options.folder, 'rehearsal.sqlite');
  let madeFrom: 'copy' | 'seed' = 'copy';
  if (existsSync(source)) {
    const provider = createSqliteSnapshotProvider(source, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});
    await provider.take({ path: copy, signal });
  } else if (options.seedSql !== undefined) {
    // A run would create the database from its seed first; the rehearsal does so on the copy only.
    ensureSeededDatabase(copy, options.seedSql, options.nativeBinding);
    madeFrom = 'seed';
  } else {
    throw new Error(`${source} does not exist (a run would fail to open it too)`);
  }
  const db = new Database(copy, { fileMustExist: true, ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}) });
  return {
    madeFrom,
    database: {
      step: async (step) => runStep(db, step),
      close: async () => {
        db.close();
      },
    },
  };
}

function runStep(db: Database.Database, { sql, params, mode, keep }: RehearsalStep): RehearsedSql {
  let bound;
  try {
    bound = bindStatements(sql, params, 'sqlite');
  } catch (error) {
    return { statements: [], error: (error as Error).message };
  }
  const statements: RehearsedStatement[] = [];
  db.exec('SAVEPOINT handrail_rehearsal_step');
  // A run opens the database read-only for a step that declares no `mutates`: a write there
  // fails in the run, so it fails here too.
  if (mode === 'read') db.pragma('query_only = ON');
  let rowCount = 0;
  let changed = 0;
  let returnsRows = false;
  try {
    for (const [index, statement] of bound.entries()) {
      const summary = summaryOf(statement.text);
      try {
        const stmt = db.prepare(statement.text);
        const args = statement.names.length === 0 ? [] : [bindable(Object.fromEntries(statement.names.map((n, i) => [n, statement.values[i] ?? null])))];
        if (stmt.reader) {
          let count = 0;
          for (const row of stmt.raw(true).iterate(...args) as Iterable<unknown>) if (row !== undefined) count++;
          statements.push({ number: index + 1, summary, rows: count, returnsRows: true });
          rowCount = count;
          returnsRows = true;
        } else {
          const changes = stmt.run(...args).changes;
          changed += changes;
          statements.push({ number: index + 1, summary, rows: changes, returnsRows: false });
        }
      } catch (error) {
        statements.push({ number: index + 1, summary, returnsRows: false, error: (error as Error).message });
        undo(db);
        return { statements, error: `statement ${index + 1} failed on the copy: ${(error as Error).message}` };
      }
    }
    const count = returnsRows ? rowCount : changed;
    if (mode === 'write' && keep(count)) db.exec('RELEASE handrail_rehearsal_step');
    else undo(db);
    return { statements, rowCount: count };
  } catch (error) {
    undo(db);
    throw error;
  } finally {
    db.pragma('query_only = OFF');
  }
}

function undo(db: Database.Database): void {
  db.exec('ROLLBACK TO handrail_rehearsal_step');
  db.exec('RELEASE handrail_rehearsal_step');
}

function summaryOf(text: string): string {
  const first = text.trim().split('\n')[0] ?? '';
  return first.length > 100 ? `${first.slice(0, 99)}…` : first;
}

/** Values bound as the step's own executor binds them (whole numbers as INTEGER, booleans as 1 and 0). */
function bindable(bind: Record<string, SqlValue>): Record<string, string | number | bigint | null> {
  const value = (v: SqlValue): string | number | bigint | null =>
    typeof v === 'boolean' ? BigInt(v) : typeof v === 'number' && Number.isSafeInteger(v) ? BigInt(v) : v;
  return Object.fromEntries(Object.entries(bind).map(([name, v]) => [name, value(v)]));
}
