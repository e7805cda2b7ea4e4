// `handrail plan --rehearse`: the plan's SQL steps run against stand-ins of their databases
// (src/core/plan/rehearse-plan.ts decides the order and the verdicts). SQLite copies live in
// one private temporary folder that is removed afterwards, whatever happened; PostgreSQL
// transactions are rolled back. Nothing is recorded: a rehearsal changes nothing.
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Rehearsal } from '../contract/plan.js';
import { Redactor } from '../core/engine/redact.js';
import type { RunPlan } from '../core/guards/plan-run.js';
import { withoutPassword } from '../core/plan/build-plan.js';
import { rehearsePlan } from '../core/plan/rehearse-plan.js';
import { electronNativeBinding } from '../store/open-database.js';
import { openPostgresRehearsal, REHEARSAL_LOCK_TIMEOUT_MS, REHEARSAL_STATEMENT_TIMEOUT_MS } from '../targets/rehearse/postgres-rehearsal.js';
import { openSqliteRehearsal } from '../targets/rehearse/sqlite-rehearsal.js';
import { passwordOf } from './database-password.js';
import { expandPath } from './paths.js';
import type { Settings } from './settings.js';

/** `signal` stops it between steps and cancels a PostgreSQL statement under way; the copies go whatever happens. */
export async function rehearseRun(settings: Settings, run: RunPlan, signal?: AbortSignal): Promise<Rehearsal> {
  const folder = await mkdtemp(join(tmpdir(), 'handrail-rehearsal-'));
  let copies = 0;
  try {
    return await rehearsePlan(
      run,
      {
        open: async (target) => {
          const spec = run.targets.get(target);
          if (spec === undefined || spec === 'local' || 'ssh' in spec) throw new Error(`${target} is not a database target`);
          if ('sqlite' in spec) {
            const source = expandPath(spec.sqlite, settings);
            const own = join(folder, String(++copies));
            const seedSql = spec.seed ? await readFile(expandPath(spec.seed, settings), 'utf8') : undefined;
            await mkdir(own, { mode: 0o700 });
            const opened = await openSqliteRehearsal(source, { folder: own, seedSql, nativeBinding: electronNativeBinding() }, signal);
            const made =
              opened.madeFrom === 'seed'
                ? `${source} does not exist yet, so the rehearsal ran on a new database made from its seed (${spec.seed}), as a run would make it`
                : `rehearsed on a copy of ${source} made as a snapshot is; the database itself was only read`;
            return { database: opened.database, note: `${target} (SQLite): ${made}; the copy was in a temporary folder, deleted afterwards.` };
          }
          const database = await openPostgresRehearsal({ url: spec.postgres, password: passwordOf(spec) }, signal);
          return {
            database,
            note:
              `${target} (PostgreSQL ${withoutPassword(spec.postgres)}): rehearsed inside one transaction that was rolled back. ` +
              `A rehearsal on PostgreSQL takes the same locks the run would, briefly: it waits at most ${REHEARSAL_LOCK_TIMEOUT_MS / 1000} s for a lock ` +
              `(lock_timeout) and ${REHEARSAL_STATEMENT_TIMEOUT_MS / 1000} s per statement (statement_timeout). ` +
              'Sequence values it used (nextval, serial ids) are not given back; PostgreSQL never rolls a sequence back. ' +
              'A statement calling dblink, setval or another function that acts outside a transaction, or dynamic SQL (EXECUTE), is not run; one reached through a function already in the database is not seen, and its effect would be real.',
          };
        },
      },
      new Redactor(run.secrets),
      signal,
    );
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
