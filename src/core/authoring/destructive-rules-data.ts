// Destructive-command rules for data: SQL sent to a database client (read by the SQL
// parser), database and Redis tools, and restores over live data (a dump loaded, an archive
// extracted over a folder). One entry per rule; destructive-rules.ts joins the tables.
import { hasFlag, operands, optionValue, options } from './command-args.js';
import type { DestructiveRule, RuleInput } from './destructive-rule-types.js';
import { unpacksOwnDownload } from './downloaded-archives.js';
import { sqlClientOf, sqlEffect, sqlFedTo } from './sql-in-shell.js';

const REDIS_OPTIONS = options('-h', '-p', '-s', '-a', '-u', '-n', '-r', '-i', '-d', '-D', '--user', '--pass', '--pattern', '--count', '--rdb', '--tls-cert', '--tls-key', '--cacert');
const MYSQLADMIN_OPTIONS = options('-h', '-P', '-u', '-p', '-S', '--host', '--port', '--user', '--socket', '-c', '--count', '-i', '--sleep');

function sqlVerdict(input: RuleInput, pick: (verb: string) => boolean): string | false {
  const client = sqlClientOf(input.name);
  if (!client) return false;
  for (const fed of sqlFedTo({ ...input.call, name: input.name, args: input.args })) {
    if (fed.sql === null) continue;
    const verbs = sqlEffect(fed.sql, client).destructive.filter(pick);
    if (verbs.length > 0) return `${verbs.join(', ')} sent to ${client} ${fed.via}`;
  }
  return false;
}

/** A database client given SQL the script does not show: a file on stdin, a pipe from another program, `-f file`. */
function sqlFromElsewhere(input: RuleInput): string | false {
  const client = sqlClientOf(input.name);
  if (!client) return false;
  const fed = sqlFedTo({ ...input.call, name: input.name, args: input.args });
  // SQL the program copied into place from its own templates (and filled in) is its schema, not a dump.
  const own = (path: string): boolean => input.knowledge.copiedByScript(path);
  const file = fed.find((f) => f.sql === null && !own(f.via.replace(/^from /, '')));
  if (file) return `${client} runs SQL ${file.via}`;
  if (fed.length > 0) return false;
  const stdin = input.call.redirects.find((r) => r.op === '<' && !/^\/dev\/(null|zero)$/.test(r.target) && !own(r.target));
  if (stdin) return `${client} loads ${stdin.target}`;
  if (input.call.stdinFrom) return `${client} loads what \`${input.call.stdinFrom}\` outputs`;
  return false;
}

function tarExtract(args: string[]): boolean {
  const first = args[0] ?? '';
  return hasFlag(args, 'x', '--extract', '--get') || (/^[a-zA-Z]+$/.test(first) && first.includes('x'));
}

export const DATA_RULES: readonly DestructiveRule[] = [
  // databases
  {
    id: 'sql-delete',
    category: 'databases',
    commands: ['psql', 'mysql', 'mariadb', 'sqlite3', 'sqlite', 'clickhouse-client'],
    matches: 'DELETE sent to psql/mysql/sqlite3 (with -c/-e, as arguments, on stdin), read by the SQL parser',
    when: (i) => sqlVerdict(i, (v) => v === 'DELETE'),
    reason: 'deletes rows ({})',
    examples: { flags: ['psql -c "DELETE FROM sessions WHERE expired"', 'sqlite3 /srv/app.db "delete from jobs"', 'psql app <<< "DELETE FROM t"'], quiet: [`psql -c "SELECT 'DELETE' AS note"`, 'psql -c "UPDATE jobs SET state = 1"', 'cat <<EOF\nDELETE FROM t;\nEOF'] },
  },
  {
    id: 'sql-drop',
    category: 'databases',
    commands: ['psql', 'mysql', 'mariadb', 'sqlite3', 'sqlite', 'clickhouse-client'],
    matches: 'DROP … sent to a database client',
    when: (i) => sqlVerdict(i, (v) => v.startsWith('DROP')),
    reason: 'drops database objects ({})',
    examples: { flags: ['psql "$DB_URL" --command="DROP TABLE audit_old"', 'docker exec db psql -U app -c "DROP SCHEMA old CASCADE"', "sqlite3 cache.db <<'SQL'\nDROP TABLE IF EXISTS old;\nSQL", 'docker compose exec clickhouse clickhouse-client -q "DROP TABLE system.trace_log"'], quiet: [`psql -c "SELECT 'DROP TABLE' AS note"`] },
  },
  {
    id: 'sql-truncate',
    category: 'databases',
    commands: ['psql', 'mysql', 'mariadb', 'sqlite3', 'sqlite', 'clickhouse-client'],
    matches: 'TRUNCATE sent to a database client',
    when: (i) => sqlVerdict(i, (v) => v === 'TRUNCATE'),
    reason: 'empties tables ({})',
    examples: { flags: ['mysql -u app -e "TRUNCATE events" shop', 'echo "TRUNCATE t;" | mysql app', 'clickhouse-client --multiquery -q "SYSTEM FLUSH LOGS; TRUNCATE TABLE IF EXISTS system.query_log;"'], quiet: ['mysql -e "SELECT 1"', 'clickhouse-client -q "SELECT count() FROM system.tables"'] },
  },
  {
    id: 'sql-end-sessions',
    category: 'databases',
    commands: ['psql'],
    matches: 'pg_terminate_backend(…) sent to psql',
    when: (i) => sqlFedTo({ ...i.call, name: i.name, args: i.args }).some((f) => f.sql !== null && /\bpg_terminate_backend\s*\(/i.test(f.sql.replace(/'(?:[^']|'')*'/g, "''"))),
    reason: 'ends database sessions (pg_terminate_backend)',
    examples: { flags: [`psql -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'shop'"`], quiet: [`psql -c "SELECT 'pg_terminate_backend(1)'"`] },
  },
  {
    id: 'dropdb',
    category: 'databases',
    commands: ['dropdb', 'dropuser'],
    matches: 'dropdb, dropuser',
    when: () => true,
    reason: 'drops a PostgreSQL database or role',
    examples: { flags: ['dropdb --if-exists shop_staging', 'dropuser old_app'], quiet: [] },
  },
  {
    id: 'mysqladmin-drop',
    category: 'databases',
    commands: ['mysqladmin'],
    matches: 'mysqladmin drop DB, mysqladmin shutdown',
    when: (i) => operands(i.args, MYSQLADMIN_OPTIONS).find((w) => /^(drop|shutdown)$/i.test(w)) ?? false,
    reason: 'drops a MySQL database or stops the server (mysqladmin {})',
    examples: { flags: ['mysqladmin --defaults-extra-file=/etc/mysql/maint.cnf -f drop reporting_tmp', 'mysqladmin -u root shutdown'], quiet: ['mysqladmin -u root status'] },
  },
  {
    id: 'redis-delete',
    category: 'databases',
    commands: ['redis-cli', 'valkey-cli'],
    matches: 'redis-cli FLUSHALL / FLUSHDB / DEL / UNLINK / SHUTDOWN (the command, not a key named so), and EVAL of a Lua script that calls one of them',
    when: (i) => {
      const [verb = '', script = ''] = operands(i.args, REDIS_OPTIONS);
      // A Lua script runs Redis commands through redis.call/pcall; which ones is in its text.
      const lua = /^eval(_ro)?$/i.test(verb) ? /redis\.p?call\(\s*['"](del|unlink|flushall|flushdb)['"]/i.exec(script)?.[1] : undefined;
      if (lua) return `runs a Lua script that ${/^flush/i.test(lua) ? 'empties Redis' : 'deletes Redis keys'} (EVAL … ${lua.toUpperCase()})`;
      if (/^flush(all|db)$/i.test(verb)) return `empties Redis (${verb.toUpperCase()})`;
      if (/^(del|unlink)$/i.test(verb)) return `deletes Redis keys (${verb.toUpperCase()})`;
      return /^shutdown$/i.test(verb) && 'stops Redis (SHUTDOWN)';
    },
    reason: '{}',
    examples: { flags: ['redis-cli FLUSHALL', 'redis-cli -h cache-1 -n 2 FLUSHDB', 'redis-cli -h cache-1 DEL feature:flags', 'redis-cli --scan --pattern "price:*" | xargs -r -n 100 redis-cli -h cache UNLINK', `redis-cli EVAL "for _,k in ipairs(redis.call('keys', ARGV[1])) do redis.call('del', k) end" 0 'tmp:*'`], quiet: ['redis-cli -h cache-1 GET del', `redis-cli EVAL "return redis.call('get', KEYS[1])" 1 del`, 'redis-cli INFO keyspace', 'redis-cli --scan --pattern "price:*"'] },
  },
  // restores over live data
  {
    id: 'sql-load',
    category: 'restores',
    commands: ['psql', 'mysql', 'mariadb', 'sqlite3', 'sqlite', 'clickhouse-client'],
    matches: 'a database client fed SQL the script does not show: `< dump`, `… | client`, `-f file` (not a file the program copied into place from its own templates)',
    when: sqlFromElsewhere,
    reason: 'runs SQL the script does not show, over live data ({})',
    examples: { flags: ['psql app < /var/backups/app.sql', 'gunzip -c dump.sql.gz | mysql shop_qa', 'mysql shop < fixtures.sql', 'psql -f migrate.sql app'], quiet: ['psql -c "SELECT 1" < /dev/null', 'echo "SELECT 1" | mysql app', 'cp "$SAMPLES/schema.sql" "$DATA_DIR/schema.sql"\nsed -i "s/PH_DB/mail/" "$DATA_DIR/schema.sql"\npsql -d template1 -f "$DATA_DIR/schema.sql"'] },
  },
  {
    id: 'pg-restore',
    category: 'restores',
    commands: ['pg_restore'],
    matches: 'pg_restore into a database (-d / --dbname, or options held in a variable, which name one), not --list or -f FILE',
    // Without -d pg_restore writes SQL to its output; options kept in a variable
    // (`pg_restore ${conn_opts} ${BACKUP_FILE}`) are there to name the database.
    when: (i) =>
      !hasFlag(i.args, 'l', '--list') &&
      (optionValue(i.args, '-d', '--dbname') !== undefined || (optionValue(i.args, '-f', '--file') === undefined && i.args.some((a) => a.startsWith('$')))),
    reason: 'restores a dump over a live database (pg_restore -d)',
    examples: { flags: ['pg_restore --no-owner --jobs=4 -d shop_staging shop.dump', 'pg_restore --clean --dbname=shop shop.dump', 'pg_restore ${conn_opts} ${BACKUP_FILE}'], quiet: ['pg_restore --list shop.dump', 'pg_restore -f out.sql shop.dump', 'pg_restore -f out.sql $DUMP'] },
  },
  {
    id: 'pgbackrest-restore',
    category: 'restores',
    commands: ['pgbackrest'],
    matches: 'pgbackrest restore / expire / stanza-delete',
    // A restore writes the backup into the cluster's data directory (with --delta over what is
    // there); expire and stanza-delete remove backups from the repository.
    when: (i) => {
      // Its options come before or after the command (`--stanza db restore`): any operand can be it.
      const verb = operands(i.args).find((w) => /^(restore|expire|stanza-delete)$/.test(w));
      return verb !== undefined && `pgbackrest ${verb}`;
    },
    reason: 'restores a backup over the data directory, or deletes backups from the repository ({})',
    examples: { flags: ['pgbackrest --stanza=db --delta restore', 'pgbackrest --stanza=db expire', 'pgbackrest --stanza=db stanza-delete --force'], quiet: ['pgbackrest --stanza=db backup --type=full', 'pgbackrest --stanza=db check', 'pgbackrest info'] },
  },
  {
    id: 'pgbench-initialize',
    category: 'databases',
    commands: ['pgbench'],
    matches: 'pgbench -i / --initialize',
    when: (i) => hasFlag(i.args, 'i', '--initialize'),
    reason: 'drops and recreates the pgbench_* tables in the database (pgbench --initialize)',
    examples: { flags: ['pgbench -i -s 10 shop', 'pgbench --initialize --scale=10 shop'], quiet: ['pgbench -c 10 -T 60 shop'] },
  },
  {
    id: 'tar-extract',
    category: 'restores',
    commands: ['tar'],
    matches: 'tar -x into a folder the script did not create (-C DIR, or the current folder), unless it unpacks a download the script made (piped from curl/wget, or a file it downloaded, also under the name its address gives: `wget URL`, `curl -O`, `curl -Lo F`)',
    when: (i) => {
      if (!tarExtract(i.args) || unpacksOwnDownload(i)) return false;
      const into = optionValue(i.args, '-C', '--directory');
      if (into === undefined) return !i.knowledge.inOwnFolder() && 'the current folder';
      return !i.knowledge.ownedByScript(into) && into;
    },
    reason: 'extracts an archive over the files in {} (tar -x)',
    examples: { flags: ['tar -xzf backup.tgz -C /var/lib/app', 'tar xzf uploads.tar', 'docker run --rm -v up:/data alpine sh -c "tar -xzf /b/up.tgz -C /data"'], quiet: ['tar -czf backup.tgz /var/lib/app', 'tar -tzf backup.tgz', 'dir=$(mktemp -d)\ntar -xzf a.tgz -C "$dir"', 'R=/srv/app/releases/$(date +%s)\nmkdir -p "$R"\ntar -xzf a.tgz -C "$R"', 'mkdir /tmp/ruby && cd /tmp/ruby\ncurl -O https://example.org/ruby.tar.gz\ntar xzf ruby.tar.gz'] },
  },
];
