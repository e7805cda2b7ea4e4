// A rehearsal walks a plan's SQL steps in order against stand-ins for their databases (a
// copy of a SQLite file, a PostgreSQL transaction that is always rolled back) and reports
// what each statement did and whether `expect-rows` would hold. It stops where a run would
// stop: at a statement that fails or an expectation that does not hold (and undoes that
// step, as the run's rollback would), so what it says about later steps is never based on
// a state the run could not reach.
import type { Rehearsal, RehearsedStatement, RehearsedStep } from '../../contract/plan.js';
import type { SqlValue } from '../engine/ports.js';
import type { Redactor } from '../engine/redact.js';
import type { RunPlan } from '../guards/plan-run.js';
import { checkTypedName } from '../guards/protected-environment.js';

export interface RehearsedSql {
  statements: RehearsedStatement[];
  /** As the engine counts a step: rows of the last statement returning rows, else rows changed. */
  rowCount?: number;
  /** What failed, when a statement (or binding it) failed; the step's effects were undone. */
  error?: string;
}

export interface RehearsalStep {
  sql: string;
  params: Record<string, SqlValue>;
  /** As the run runs it: 'read' refuses writes (a run opens read-only / READ ONLY), and keeps nothing. */
  mode: 'read' | 'write';
  /** Whether the step's effects stay for the steps after it (false: the run would roll it back). */
  keep: (rowCount: number) => boolean;
  timeoutMs: number | undefined;
}

/** One database's stand-in. */
export interface RehearsalDatabase {
  step(step: RehearsalStep): Promise<RehearsedSql>;
  close(): Promise<void>;
}

export interface RehearsalPorts {
  /** Opens the stand-in of a database target; `note` says what it is and its limits. Throws when it cannot. */
  open(target: string): Promise<{ database: RehearsalDatabase; note: string }>;
}

/** `signal` stops the rehearsal between steps (a running PostgreSQL statement is cancelled by its port); `signal.reason` says why. */
export async function rehearsePlan(run: RunPlan, ports: RehearsalPorts, redactor: Redactor, signal?: AbortSignal): Promise<Rehearsal> {
  const open = new Map<string, RehearsalDatabase>();
  const notes: string[] = [];
  const steps: RehearsedStep[] = [];
  let stoppedAt: number | undefined;
  try {
    for (const step of run.runbook.steps) {
      const number = step.index + 1;
      const action = step.action;
      if (signal?.aborted) {
        steps.push({ number, status: 'not-rehearsed', note: `the rehearsal was stopped (${String(signal.reason)})`, statements: [] });
        continue;
      }
      if (stoppedAt !== undefined) {
        steps.push({ number, status: 'not-rehearsed', note: `a run would stop at step ${stoppedAt}`, statements: [] });
        continue;
      }
      if (!action) {
        steps.push({ number, status: 'not-rehearsed', note: 'manual step', statements: [] });
        continue;
      }
      if (action.kind !== 'sql') {
        const changes = action.attributes.mutates;
        const note = `not rehearsed: ${action.kind} steps are never run in a rehearsal${changes.length > 0 ? `; SQL steps after it do not see what it would change in ${changes.join(', ')}` : ''}`;
        steps.push({ number, status: 'not-rehearsed', note, statements: [] });
        continue;
      }
      const target = action.attributes.target ?? '';
      const expectRows = action.attributes.expectRows;
      let database = open.get(target);
      if (!database) {
        try {
          const opened = await ports.open(target);
          database = opened.database;
          open.set(target, database);
          notes.push(opened.note);
        } catch (error) {
          stoppedAt = number;
          steps.push({ number, status: 'failed', note: redactor.text(`could not rehearse on ${target}: ${messageOf(error)}`), statements: [] });
          continue;
        }
      }
      let result: RehearsedSql;
      try {
        result = await database.step({
          sql: action.code,
          params: { ...run.inputs },
          mode: action.attributes.mutates.length > 0 ? 'write' : 'read',
          keep: (rows) => expectRows === undefined || rows === expectRows,
          timeoutMs: action.attributes.timeoutMs,
        });
      } catch (error) {
        // The stand-in itself failed (a connection lost mid-step): PostgreSQL rolls back a
        // transaction whose connection is gone, and a SQLite copy is deleted anyway.
        result = { statements: [], error: `the rehearsal on ${target} broke off: ${messageOf(error)}; what it did there is undone with it` };
      }
      if (signal?.aborted) {
        steps.push({ number, status: 'not-rehearsed', note: `the rehearsal was stopped during this step (${String(signal.reason)}); its changes were undone`, statements: [] });
        continue;
      }
      const statements = result.statements.map((s) => ({ ...s, summary: redactor.text(s.summary), ...(s.error ? { error: redactor.text(s.error) } : {}) }));
      const base = { number, statements, ...(expectRows !== undefined ? { expectRows } : {}) };
      if (result.error !== undefined || result.rowCount === undefined) {
        stoppedAt = number;
        steps.push({ ...base, status: 'failed', note: redactor.text(`${result.error ?? 'no row count'}; the step's changes were undone, as a run would roll them back`) });
        continue;
      }
      const holds = expectRows === undefined ? undefined : result.rowCount === expectRows;
      if (holds === false) stoppedAt = number;
      steps.push({
        ...base,
        status: holds === false ? 'failed' : 'rehearsed',
        rowCount: result.rowCount,
        ...(holds !== undefined ? { expectRowsHolds: holds } : {}),
        ...(holds === false
          ? { note: `expect-rows=${expectRows} would not hold: ${result.rowCount} row${result.rowCount === 1 ? '' : 's'}; a run would stop here${action.attributes.mutates.length > 0 ? ' and roll this step back' : ''}` }
          : {}),
      });
    }
  } finally {
    await Promise.allSettled([...open.values()].map((d) => d.close()));
  }
  const stopped = signal?.aborted ? String(signal.reason) : undefined;
  return { ok: stopped === undefined && !steps.some((s) => s.status === 'failed'), ...(stopped !== undefined ? { stopped } : {}), notes, steps };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * A rehearsal on PostgreSQL runs the statements on the real database (in a transaction that
 * is rolled back), taking the locks they take: in a protected environment that is a change
 * to how production behaves for a moment, so it needs the environment's name typed like a
 * change does. SQLite targets are only copied, and need nothing.
 */
export function rehearsalRefusal(run: RunPlan, typed: string | undefined): string | undefined {
  if (run.environment.protected !== true) return undefined;
  const live = [
    ...new Set(
      run.runbook.steps.flatMap((step) => {
        const target = step.action?.kind === 'sql' ? step.action.attributes.target : undefined;
        const spec = target === undefined ? undefined : run.targets.get(target);
        return target !== undefined && typeof spec === 'object' && 'postgres' in spec ? [target] : [];
      }),
    ),
  ];
  if (live.length === 0) return undefined;
  const answer = checkTypedName(run.environmentName, typed);
  if (answer.ok) return undefined;
  return (
    `a rehearsal in ${run.environmentName} runs the SQL on ${live.join(', ')} itself (PostgreSQL), in a transaction that is rolled back but takes the same locks a run would; ` +
    `${answer.missing ? 'give' : `${answer.mismatch}: give`} --confirm ${run.environmentName} to rehearse there, or plan without --rehearse; nothing was run`
  );
}
