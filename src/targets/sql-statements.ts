// What the SQLite and PostgreSQL executors share before anything reaches a driver: the
// step's SQL split into statements by the real parser, each with the values it binds, and
// the refusals that keep the executor's transaction its own.
import type { SqlValue } from '../core/engine/ports.js';
import { DIALECT_LABEL, prepareStatements, type SqlDialect } from '../core/sql/sql-analysis.js';

export interface BoundStatement {
  /** The statement's text, never containing an input value. */
  text: string;
  /** The parameter names the statement uses, as the dialect binds them (see prepareStatements). */
  names: string[];
  /** The input value for each name, in the same order. */
  values: SqlValue[];
}

// The executor owns the transaction: a step's own COMMIT would make its changes permanent
// before its expectations were checked, and in a read step would end the READ ONLY
// transaction early. The parser already split the statements (comments and whitespace
// are outside each statement's text), so the first word says what the statement is.
const ENDS_TRANSACTION = /^(begin|start|commit|end|abort|rollback(?!(\s+(transaction|work))?\s+to\b)|prepare\s+transaction)\b/i;

/** Splits and binds a step's SQL; throws an Error an operator can act on when it cannot run. */
export function bindStatements(sql: string, params: Record<string, SqlValue>, dialect: SqlDialect): BoundStatement[] {
  const prepared = prepareStatements(sql, dialect);
  const label = DIALECT_LABEL[dialect];
  if (!prepared.ok) {
    throw new Error(`The step's SQL does not parse as ${label} (${prepared.message}); nothing was run.`);
  }
  if (prepared.statements.length === 0) {
    throw new Error(`The step has no SQL statement to run; nothing was run.`);
  }
  return prepared.statements.map((statement, index) => {
    const control = ENDS_TRANSACTION.exec(statement.text);
    if (control) {
      throw new Error(
        `Statement ${index + 1} (${control[0].toUpperCase()}) controls the transaction itself. Handrail runs every ` +
          `SQL step in its own transaction and commits only when the step's expectations pass, so the step may not ` +
          `begin, commit or roll back one. Remove that statement; nothing was run.`,
      );
    }
    const values = statement.names.map((name) => {
      // hasOwn, not `in`: an input named `constructor` must not find Object.prototype's.
      if (!Object.hasOwn(params, name)) {
        throw new Error(`Statement ${index + 1} uses :${name}, but the run has no input named "${name}"; nothing was run.`);
      }
      return params[name] ?? null;
    });
    return { text: statement.text, names: statement.names, values };
  });
}
