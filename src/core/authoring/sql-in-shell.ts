// SQL that a shell command hands to a database client — `psql -c "…"`, `mysql -e "…"`,
// `sqlite3 app.db "…"`, or a heredoc, here-string or `echo … |` on its stdin — and what
// that SQL does. Judged by the project's SQL parser (sql-analysis.ts), so `SELECT 'DROP'`
// reads; text the parser cannot take (shell variables, psql's backslash commands, MySQL
// syntax) falls back to its statement keywords, which is still better than guessing.
import { analyzeSql, type SqlDialect } from '../sql/sql-analysis.js';
import type { ShellCall } from './shell-calls.js';
import { withWrappedCalls } from './wrapped-commands.js';

export type SqlClient = 'psql' | 'sqlite3' | 'mysql' | 'clickhouse';

export interface FedSql {
  client: SqlClient;
  /** The SQL, or null when it comes from a file (`-f`, `-init`) the script does not show. */
  sql: string | null;
  /** How it is sent, for messages: `with -c`, `on stdin`, `from migrate.sql`. */
  via: string;
}

export interface SqlEffect {
  /** The statements that destroy data: `DELETE`, `DROP TABLE`, `TRUNCATE`. */
  destructive: string[];
  /** Anything that changes data or schema (destructive ones included). */
  writes: boolean;
}

const CLIENTS: Record<string, SqlClient> = { psql: 'psql', sqlite3: 'sqlite3', sqlite: 'sqlite3', mysql: 'mysql', mariadb: 'mysql', 'clickhouse-client': 'clickhouse' };
const DIALECTS: Record<SqlClient, SqlDialect[]> = { psql: ['postgres'], sqlite3: ['sqlite'], mysql: ['postgres', 'sqlite'], clickhouse: ['postgres', 'sqlite'] };

/** Options that take the next word as their value (so it is not the database or SQL). */
const VALUE_OPTIONS: Record<SqlClient, Set<string>> = {
  psql: new Set(['-d', '-h', '-p', '-U', '-v', '-o', '-L', '-P', '-R', '-F', '-T', '--set', '--variable', '--host', '--port', '--username', '--dbname', '--output', '--log-file', '--pset']),
  sqlite3: new Set(['-separator', '-newline', '-nullvalue', '-vfs', '-maxsize', '-mmap', '-pagecache', '-lookaside', '-heap']),
  mysql: new Set(['-h', '-P', '-u', '-D', '-S', '--host', '--port', '--user', '--database', '--socket', '--default-character-set']),
  clickhouse: new Set(['-h', '--host', '--port', '-u', '--user', '-d', '--database', '--password', '-f', '--format']),
};

export function sqlClientOf(name: string): SqlClient | undefined {
  return CLIENTS[name.split('/').pop() ?? ''];
}

/** The SQL a call sends to its database, if it is a database client. */
export function sqlFedTo(call: ShellCall): FedSql[] {
  const client = sqlClientOf(call.name);
  if (!client) return [];
  const fed: FedSql[] = [];
  const positional: string[] = [];
  const args = call.args;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    const next = args[i + 1];
    const inline = (flags: string[], long: string): string | undefined => {
      if (flags.includes(arg) && next !== undefined) {
        i++;
        return next;
      }
      if (arg.startsWith(`${long}=`)) return arg.slice(long.length + 1);
      const short = flags.find((f) => f.length === 2 && arg.startsWith(f) && arg.length > 2);
      return short ? arg.slice(2) : undefined;
    };
    if (client === 'psql') {
      const command = inline(['-c', '--command'], '--command');
      if (command !== undefined) {
        fed.push({ client, sql: command, via: 'with -c' });
        continue;
      }
      const file = inline(['-f', '--file'], '--file');
      if (file !== undefined) {
        fed.push({ client, sql: null, via: `from ${file}` });
        continue;
      }
    } else if (client === 'mysql') {
      const command = inline(['-e', '--execute'], '--execute');
      if (command !== undefined) {
        fed.push({ client, sql: command, via: 'with -e' });
        continue;
      }
    } else if (client === 'clickhouse') {
      // `clickhouse-client -q "DROP TABLE …"` (also `--query`, and `--multiquery` with several statements).
      const command = inline(['-q', '--query'], '--query');
      if (command !== undefined) {
        fed.push({ client, sql: command, via: 'with -q' });
        continue;
      }
    } else {
      if (arg === '-cmd' && next !== undefined) {
        fed.push({ client, sql: next, via: 'with -cmd' });
        i++;
        continue;
      }
      if (arg === '-init' && next !== undefined) {
        fed.push({ client, sql: null, via: `from ${next}` });
        i++;
        continue;
      }
    }
    if (VALUE_OPTIONS[client].has(arg)) i++;
    else if (!arg.startsWith('-')) positional.push(arg);
  }
  // sqlite3 FILE SQL…: everything after the database file is SQL to run.
  if (client === 'sqlite3' && positional.length > 1) fed.push({ client, sql: positional.slice(1).join(' '), via: 'as arguments' });
  if (fed.length === 0) for (const text of call.stdin) fed.push({ client, sql: text, via: 'on stdin' });
  return fed;
}

export function sqlEffect(sql: string, client: SqlClient): SqlEffect {
  const cleaned = sql
    .split('\n')
    .filter((line) => !/^\s*\\/.test(line)) // psql's \set, \c, \echo …
    .join('\n')
    .replace(/:'[A-Za-z_]\w*'/g, "'x'")
    .replace(/\$\([^)]*\)|\$\{[^}]*\}|\$[A-Za-z_]\w*|\$\d/g, 'x');
  for (const dialect of DIALECTS[client]) {
    const analysis = analyzeSql(cleaned, dialect);
    if (!analysis.ok) continue;
    const writes = analysis.statements.filter((s) => s.writes !== undefined);
    // The parser says what each statement does ("deletes rows", "drops a table", "truncates
    // a table"), also for a DELETE hidden in a CTE; the label is the statement's own verb.
    const destructive = writes
      .filter((s) => /^(deletes rows|drops |truncates )/.test(s.writes ?? ''))
      .map((s) => destructiveVerb(cleaned.slice(s.offset).trim()) ?? (s.writes === 'deletes rows' ? 'DELETE' : (s.writes ?? '')));
    return { destructive: [...new Set(destructive)], writes: writes.length > 0 };
  }
  return keywordEffect(cleaned);
}

function destructiveVerb(statement: string): string | undefined {
  const m = /^(DELETE|TRUNCATE|DROP\s+(?:MATERIALIZED\s+VIEW|[A-Z]+))\b/i.exec(statement);
  return m?.[1]?.toUpperCase().replace(/\s+/g, ' ');
}

/** For SQL no parser took: the statements' leading keywords, with strings and comments removed. */
function keywordEffect(sql: string): SqlEffect {
  const bare = sql
    .replace(/'(?:[^']|'')*'/g, "''")
    .replace(/--[^\n]*/g, '')
    .replace(/\/\*[\s\S]*?\*\//g, '');
  const destructive = new Set<string>();
  let writes = false;
  for (const statement of bare.split(';')) {
    const verb = destructiveVerb(statement.trim());
    if (verb) destructive.add(verb);
    if (verb || /^\s*(INSERT|UPDATE|REPLACE|MERGE|CREATE|ALTER|GRANT|REVOKE|COPY|VACUUM|REINDEX|RENAME|UPSERT|LOAD)\b/i.test(statement)) writes = true;
  }
  return { destructive: [...destructive], writes };
}

/**
 * The database clients among `calls` (wrapped ones too) that change data — or may, when
 * their SQL comes from a file the script does not show.
 */
export async function clientsThatWrite(calls: ShellCall[]): Promise<SqlClient[]> {
  const found = new Set<SqlClient>();
  for (const call of calls) {
    for (const effective of await withWrappedCalls(call, (name) => sqlClientOf(name) !== undefined)) {
      const client = sqlClientOf(effective.name);
      if (client && sqlFedTo(effective).some((fed) => fed.sql === null || sqlEffect(fed.sql, client).writes)) found.add(client);
    }
  }
  return [...found];
}

/**
 * The database a client call names, as written: psql's `-d`/`--dbname` or first operand,
 * sqlite3's file, mysql's `-D`/`--database` or first operand. Undefined when it names none.
 */
export function databaseNamedBy(call: ShellCall): string | undefined {
  const client = sqlClientOf(call.name);
  if (!client) return undefined;
  const named = client === 'psql' ? ['-d', '--dbname'] : client === 'mysql' ? ['-D', '--database'] : [];
  const args = call.args;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (named.includes(arg)) return args[i + 1];
    const long = named.find((n) => n.startsWith('--') && arg.startsWith(`${n}=`));
    if (long) return arg.slice(long.length + 1);
    if (VALUE_OPTIONS[client].has(arg) || ['-c', '--command', '-f', '--file', '-e', '--execute', '-cmd', '-init'].includes(arg)) i++;
    else if (!arg.startsWith('-')) return arg;
  }
  return undefined;
}
