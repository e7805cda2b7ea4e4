// The one place that knows the SQL parser (sql-parser-cst). It answers two questions the
// validator and the engine ask of a `sql` step: does it write, and which `:name`
// parameters does it bind. Both come from a real parse, never from a keyword grep, so
// `SELECT 'DELETE'` reads and `WITH x AS (DELETE …) SELECT …` writes.
import { createRequire } from 'node:module';
import type * as SqlParserCst from 'sql-parser-cst';
import type { DialectName } from 'sql-parser-cst';

let parser: typeof SqlParserCst.parse | undefined;
/**
 * The parser, required on first use: compiling it costs about 0.3 s of CPU, which a run or a
 * validation of runbooks with no SQL in them (no sql step, no psql/mysql/sqlite3 command) would
 * otherwise pay at every start.
 */
function parse(...args: Parameters<typeof SqlParserCst.parse>): ReturnType<typeof SqlParserCst.parse> {
  parser ??= (createRequire(import.meta.url)('sql-parser-cst') as typeof SqlParserCst).parse;
  return parser(...args);
}

export type SqlDialect = 'sqlite' | 'postgres';

export interface SqlStatement {
  /** 0-based offset of the statement in the code. */
  offset: number;
  /** What it does to data when it writes, e.g. "deletes rows"; undefined when it only reads. */
  writes: string | undefined;
}

export interface SqlParameter {
  name: string;
  offset: number;
  length: number;
}

export type SqlAnalysis =
  | { ok: true; statements: SqlStatement[]; parameters: SqlParameter[] }
  | { ok: false; line: number; col: number; message: string };

const DIALECT: Record<SqlDialect, DialectName> = { sqlite: 'sqlite', postgres: 'postgresql' };

export const DIALECT_LABEL: Record<SqlDialect, string> = { sqlite: 'SQLite', postgres: 'PostgreSQL' };

interface CstNode {
  type: string;
  range?: [number, number];
  [key: string]: unknown;
}

export function analyzeSql(code: string, dialect: SqlDialect): SqlAnalysis {
  let program: CstNode;
  try {
    program = parse(code, { dialect: DIALECT[dialect], includeRange: true, paramTypes: [':name'] }) as unknown as CstNode;
  } catch (error) {
    return syntaxError(error);
  }
  const statements: SqlStatement[] = [];
  for (const stmt of (program.statements as CstNode[]) ?? []) {
    if (stmt.type === 'empty') continue;
    statements.push({ offset: stmt.range?.[0] ?? 0, writes: describeWrite(stmt) });
  }
  const parameters: SqlParameter[] = [];
  walk(program, (node) => {
    if (node.type === 'parameter' && typeof node.text === 'string' && node.range) {
      parameters.push({ name: node.text.slice(1), offset: node.range[0], length: node.range[1] - node.range[0] });
    }
  });
  return { ok: true, statements, parameters };
}

export interface PreparedStatement {
  /** One statement's text; for PostgreSQL its `:name` parameters are rewritten to `$1`, `$2`… */
  text: string;
  /** The input bound to each parameter, in order (`$1` is names[0]); for SQLite the names as written. */
  names: string[];
}

/**
 * Splits a step's SQL into statements the drivers can run one at a time, with parameters
 * in the form each driver binds. Rewriting uses the parser's ranges, so a `:name` inside
 * a string or comment, or a `::cast`, is never touched.
 */
export function prepareStatements(code: string, dialect: SqlDialect): { ok: true; statements: PreparedStatement[] } | { ok: false; message: string } {
  let program: CstNode;
  try {
    program = parse(code, { dialect: DIALECT[dialect], includeRange: true, paramTypes: [':name'] }) as unknown as CstNode;
  } catch (error) {
    const e = syntaxError(error);
    return { ok: false, message: e.ok ? '' : `line ${e.line}, column ${e.col}: ${e.message}` };
  }
  const statements: PreparedStatement[] = [];
  for (const stmt of (program.statements as CstNode[]) ?? []) {
    if (stmt.type === 'empty' || !stmt.range) continue;
    const [start, end] = stmt.range;
    const params: SqlParameter[] = [];
    walk(stmt, (node) => {
      if (node.type === 'parameter' && typeof node.text === 'string' && node.range) {
        params.push({ name: node.text.slice(1), offset: node.range[0], length: node.range[1] - node.range[0] });
      }
    });
    params.sort((a, b) => a.offset - b.offset);
    if (dialect === 'sqlite') {
      statements.push({ text: code.slice(start, end), names: params.map((p) => p.name) });
      continue;
    }
    const names: string[] = [];
    let text = '';
    let at = start;
    for (const p of params) {
      let index = names.indexOf(p.name);
      if (index === -1) index = names.push(p.name) - 1;
      text += `${code.slice(at, p.offset)}$${index + 1}`;
      at = p.offset + p.length;
    }
    statements.push({ text: text + code.slice(at, end), names });
  }
  return { ok: true, statements };
}

/** Statements that never change data. Everything else is treated as writing. */
const READ_ONLY = new Set([
  'select_stmt',
  'compound_select_stmt',
  'show_parameter_stmt',
  'start_transaction_stmt',
  'commit_transaction_stmt',
  'rollback_transaction_stmt',
  'savepoint_stmt',
  'release_savepoint_stmt',
]);

/** SQLite pragmas that change the database even when called like a function. */
const WRITING_PRAGMAS = new Set(['wal_checkpoint', 'optimize', 'incremental_vacuum']);

/** Data-changing statements that can hide inside a read (`WITH d AS (DELETE …) SELECT`). */
const NESTED_WRITES: Record<string, string> = {
  insert_stmt: 'inserts rows',
  update_stmt: 'updates rows',
  delete_stmt: 'deletes rows',
  merge_stmt: 'merges rows',
  into_table_clause: 'creates a table (SELECT … INTO)',
};

function describeWrite(stmt: CstNode): string | undefined {
  if (stmt.type === 'explain_stmt') {
    // EXPLAIN alone only plans; EXPLAIN ANALYZE (PostgreSQL) executes the statement.
    return stmt.analyzeKw ? describeWrite(stmt.statement as CstNode) : undefined;
  }
  if (stmt.type === 'pragma_stmt') return describePragma(stmt.pragma as CstNode);
  if (READ_ONLY.has(stmt.type)) {
    let nested: string | undefined;
    walk(stmt, (node) => {
      nested ??= NESTED_WRITES[node.type];
    });
    return nested;
  }
  return verbOf(stmt.type);
}

function describePragma(pragma: CstNode): string | undefined {
  if (pragma.type === 'pragma_assignment') return 'changes a setting (PRAGMA … =)';
  const name = (pragma.type === 'pragma_func_call' ? (pragma.name as CstNode) : pragma) as CstNode;
  const text = String(name.text ?? (name.name as CstNode | undefined)?.text ?? '').toLowerCase();
  return WRITING_PRAGMAS.has(text.split('.').pop() ?? '') ? `runs PRAGMA ${text}` : undefined;
}

function verbOf(type: string): string {
  const known = NESTED_WRITES[type];
  if (known) return known;
  const match = /^(create|drop|alter|truncate|rename|grant|revoke|reindex|vacuum|analyze|refresh|comment|attach|detach)_?(.*?)_stmt$/.exec(type);
  if (!match) return `changes the database (${type.replace(/_stmt$/, '').replace(/_/g, ' ').toUpperCase()})`;
  const [, verb, object] = match as unknown as [string, string, string];
  const thing = object.replace(/_/g, ' ').trim();
  switch (verb) {
    case 'create':
    case 'drop':
    case 'alter':
    case 'rename':
      return `${verb}s a ${thing || 'database object'}`;
    case 'truncate':
      return 'truncates a table';
    case 'grant':
    case 'revoke':
      return `${verb}s privileges`;
    default:
      return `runs ${verb.toUpperCase()}${thing ? ` ${thing.toUpperCase()}` : ''}`;
  }
}

function walk(node: unknown, visit: (node: CstNode) => void): void {
  if (Array.isArray(node)) {
    for (const item of node) walk(item, visit);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const cst = node as CstNode;
  if (typeof cst.type === 'string') visit(cst);
  for (const [key, value] of Object.entries(cst)) {
    if (key !== 'range' && typeof value === 'object') walk(value, visit);
  }
}

function syntaxError(error: unknown): SqlAnalysis {
  const text = error instanceof Error ? error.message : String(error);
  // sql-parser-cst formats its position as "--> file:LINE:COL"; the first line says what it met.
  const where = /-->\s.*?:(\d+):(\d+)/.exec(text);
  const first = (text.split('\n')[0] ?? text).replace(/^Syntax Error:\s*/, '');
  return { ok: false, line: Number(where?.[1] ?? 1), col: Number(where?.[2] ?? 1), message: first };
}
