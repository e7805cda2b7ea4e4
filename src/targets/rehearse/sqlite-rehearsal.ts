// The stand-in of a SQLite target in a rehearsal: a copy made exactly as a snapshot is (a
// consistent online copy, verified), in a folder the caller deletes afterwards. The real
// database is only read, by the snapshot's copy. Each step runs inside a savepoint on the
// copy; its effects stay for the steps after it unless it failed or its expectation would
// not hold, as a run would roll it back. The copy is private to this process, so running its
// statements here (not in a worker) never blocks anyone else; only the CLI rehearses.
//
// The step's SQL is hostile as far as this file is concerned: it must not reach any file but
// the copy. So the copy is held in one transaction for the whole rehearsal (never committed:
// releasing a step's savepoint cannot commit, VACUUM INTO cannot run), each step's savepoint
// has a name the step cannot know (it cannot release or roll back to it), and ATTACH, which
// would open any file, even the real database, and write to it, is refused before it runs.
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
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
  db.exec('BEGIN');
  return {
    madeFrom,
    database: {
      step: async (step) => runStep(db, step),
      close: async () => {
        // The copy is deleted afterwards; rolling back first keeps it from ever being committed.
        if (db.inTransaction) db.exec('ROLLBACK');
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
  const savepoint = `handrail_rehearsal_${randomBytes(8).toString('hex')}`;
  db.exec(`SAVEPOINT ${savepoint}`);
  // A run opens the database read-only for a step that declares no `mutates`: a write there
  // fails in the run, so it fails here too.
  if (mode === 'read') db.pragma('query_only = ON');
  let rowCount = 0;
  let changed = 0;
  let returnsRows = false;
  try {
    for (const [index, statement] of bound.entries()) {
      const summary = summaryOf(statement.text);
      const refused = outsideTheCopy(db, statement.text);
      if (refused !== undefined) {
        statements.push({ number: index + 1, summary, returnsRows: false, error: refused });
        undo(db, savepoint);
        return { statements, error: `statement ${index + 1} was not run: ${refused}` };
      }
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
        undo(db, savepoint);
        return { statements, error: `statement ${index + 1} failed on the copy: ${(error as Error).message}` };
      }
    }
    const count = returnsRows ? rowCount : changed;
    if (mode === 'write' && keep(count)) db.exec(`RELEASE ${savepoint}`);
    else undo(db, savepoint);
    return { statements, rowCount: count };
  } catch (error) {
    undo(db, savepoint);
    throw error;
  } finally {
    db.pragma('query_only = OFF');
  }
}

function undo(db: Database.Database, savepoint: string): void {
  db.exec(`ROLLBACK TO ${savepoint}`);
  db.exec(`RELEASE ${savepoint}`);
}

/** Why a statement must not run on the copy (it would reach another file), or undefined. */
function outsideTheCopy(db: Database.Database, text: string): string | undefined {
  if (/^attach\b/i.test(text)) {
    return 'ATTACH opens another database file (it could be the real one) and a rehearsal touches no file but its copy; rehearse without it, or check that step by hand';
  }
  if (/^vacuum\b/i.test(text)) return 'VACUUM cannot run inside the transaction a run opens for the step, so a run would fail here too';
  // The copy's transaction must still be open, and only the copy attached: else stop before anything else runs.
  const attached = (db.pragma('database_list') as { name: string }[]).filter((d) => d.name !== 'main' && d.name !== 'temp');
  if (!db.inTransaction || attached.length > 0) return "an earlier statement left the rehearsal's copy (its transaction ended or another file is attached); nothing more runs";
  return undefined;
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
