// The table of destructive-command rules: one entry per thing an operator cannot get back by
// running the step again, with the reason they read and examples that must (and must not)
// fire it. Import, the recorder and the validator's advice all read this one table
// (destructive-commands.ts walks a script and asks it), and the unit tests run every rule's
// examples, so a rule cannot be added without the cases that show what it means.
//
// The rules read a command as the shell hands it over (parsed, quotes removed, wrappers
// such as `sudo` and `sh -c` already unwrapped), never the raw script text.
import { hasFlag, operands, optionValue, options } from './command-args.js';
import type { ShellCall } from './shell-calls.js';
import { isHarmlessTarget, type ScriptKnowledge } from './script-knowledge.js';
import { sqlClientOf, sqlEffect, sqlFedTo } from './sql-in-shell.js';

export type Category =
  | 'files'
  | 'disks'
  | 'databases'
  | 'restores'
  | 'services'
  | 'containers'
  | 'kubernetes'
  | 'network'
  | 'packages'
  | 'git'
  | 'access'
  | 'infrastructure'
  | 'unknown';

/** A call as the rules see it: its base name, its arguments, and what the script did before it. */
export interface RuleInput {
  name: string;
  args: string[];
  call: ShellCall;
  knowledge: ScriptKnowledge;
}

export interface DestructiveRule {
  id: string;
  category: Category;
  /** The command names the rule looks at; empty for the rules destructive-commands.ts applies itself. */
  commands: readonly string[];
  /** What it matches, for a person reading the table. */
  matches: string;
  /** True when the call matches; a string also fills `{}` in the reason. */
  when: (input: RuleInput) => boolean | string;
  /** What the operator reads after the command, e.g. "deletes files (rm)". */
  reason: string;
  /** Commands that must fire this rule, and look-alikes that must not. */
  examples: { flags: string[]; quiet: string[] };
}

const never = (): boolean => false;

const SYSTEMCTL_VERBS = new Map([
  ['stop', 'stops a service'],
  ['disable', 'disables a service'],
  ['mask', 'masks a service so nothing can start it'],
  ['kill', "kills a service's processes"],
  ['isolate', 'switches the system to another target, stopping services'],
  ['poweroff', 'powers the machine off'],
  ['reboot', 'reboots the machine'],
  ['halt', 'halts the machine'],
  ['rescue', 'drops the machine into rescue mode'],
  ['emergency', 'drops the machine into emergency mode'],
]);
const SYSTEMCTL_OPTIONS = options('-H', '--host', '-M', '--machine', '-t', '--type', '-p', '--property', '-s', '--signal', '--state', '-n', '--lines', '-o', '--output', '--kill-whom', '--root');
const KUBE_OPTIONS = options('-n', '--namespace', '--context', '--kubeconfig', '--cluster', '--user', '-s', '--server', '--as', '--as-group', '--token', '--request-timeout', '-v', '-l', '--selector', '-o', '--output', '-f', '--filename', '-c', '--container', '--field-selector', '--timeout', '--grace-period', '--replicas');
const DOCKER_OPTIONS = options('-H', '--host', '-c', '--context', '--config', '-l', '--log-level');
const COMPOSE_OPTIONS = options('-f', '--file', '-p', '--project-name', '--project-directory', '--env-file', '--profile', '--ansi', '--progress');
const PACKAGE_OPTIONS = options('-o', '--option', '-c', '--config-file', '-t', '--target-release', '--setopt', '--enablerepo', '--disablerepo', '--installroot', '--releasever', '-e', '-d', '-x', '--exclude');
const REDIS_OPTIONS = options('-h', '-p', '-s', '-a', '-u', '-n', '-r', '-i', '-d', '-D', '--user', '--pass', '--pattern', '--count', '--rdb', '--tls-cert', '--tls-key', '--cacert');
const MYSQLADMIN_OPTIONS = options('-h', '-P', '-u', '-p', '-S', '--host', '--port', '--user', '--socket', '-c', '--count', '-i', '--sleep');
const IP_OPTIONS = options('-n', '-netns', '-b', '-batch', '-rc', '-rcvbuf', '-f', '-family');

/** Operands (after options) that are files the script did not create: what a delete or overwrite would lose. */
function othersFiles(input: RuleInput, words: string[], scratch = true): string[] {
  return words.filter((w) => !isHarmlessTarget(w) && !input.knowledge.ownedByScript(w, { scratch }));
}

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
  const file = fed.find((f) => f.sql === null);
  if (file) return `${client} runs SQL ${file.via}`;
  if (fed.length > 0) return false;
  const stdin = input.call.redirects.find((r) => r.op === '<' && !/^\/dev\/(null|zero)$/.test(r.target));
  if (stdin) return `${client} loads ${stdin.target}`;
  if (input.call.stdinFrom) return `${client} loads what \`${input.call.stdinFrom}\` outputs`;
  return false;
}

function tarExtract(args: string[]): boolean {
  const first = args[0] ?? '';
  return hasFlag(args, 'x', '--extract', '--get') || (/^[a-zA-Z]+$/.test(first) && first.includes('x'));
}

/** The dangerous part of `rm -r "$DIR/…"`: an empty variable turns the path into one under `/`. */
function rootRisk(words: string[]): string {
  const risky = words.find((a) => /^\$\{?[A-Za-z_]\w*\}?\//.test(a) || a === '/' || a === '/*');
  return risky ? `; if a variable in '${risky}' is empty, this starts from /` : '';
}

function containerVerb(args: string[]): string[] {
  return operands(args, DOCKER_OPTIONS);
}

/** `docker compose …`, `docker-compose …`, `podman-compose …`: the compose verb and its own arguments. */
function composeVerb(input: RuleInput): { verb: string; args: string[] } | undefined {
  if (input.name === 'docker-compose' || input.name === 'podman-compose') return { verb: operands(input.args, COMPOSE_OPTIONS)[0] ?? '', args: input.args };
  if (input.name !== 'docker' && input.name !== 'podman') return undefined;
  const at = input.args.indexOf('compose');
  if (at === -1 || containerVerb(input.args)[0] !== 'compose') return undefined;
  const rest = input.args.slice(at + 1);
  return { verb: operands(rest, COMPOSE_OPTIONS)[0] ?? '', args: rest };
}

function kubeWords(args: string[]): string[] {
  return operands(args, KUBE_OPTIONS);
}

function replicasZero(args: string[]): boolean {
  return optionValue(args, null, '--replicas') === '0';
}

function packageVerb(input: RuleInput): string | undefined {
  if (input.name === 'rpm') return hasFlag(input.args, 'e', '--erase') ? 'rpm -e' : undefined;
  if (input.name === 'apk') return operands(input.args)[0] === 'del' ? 'apk del' : undefined;
  if (input.name === 'snap') return operands(input.args)[0] === 'remove' ? 'snap remove' : undefined;
  const verb = operands(input.args, PACKAGE_OPTIONS)[0] ?? '';
  return /^(remove|purge|autoremove|autopurge|erase|uninstall)$/.test(verb) ? `${input.name} ${verb}` : undefined;
}

function ipVerdict(args: string[]): string | false {
  const [object = '', verb = '', ...rest] = operands(args, IP_OPTIONS);
  const deletes = /^(del|delete|flush|destroy)$/.test(verb);
  if (/^(l|li|lin|link)$/.test(object)) return deletes ? `ip link ${verb}` : verb === 'set' && rest.includes('down') ? 'ip link set down' : false;
  if (/^(a|ad|add|addr|address|r|ro|rou|route|n|ne|neigh|ru|rule|netns|tunnel|tun|xfrm)$/.test(object) && deletes) return `ip ${object} ${verb}`;
  return false;
}

export const RULES: readonly DestructiveRule[] = [
  // files
  {
    id: 'rm-recursive',
    category: 'files',
    commands: ['rm'],
    matches: 'rm -r / -R / --recursive on a path the script did not create (under /tmp too: a whole tree is worth a look)',
    when: (i) => {
      if (!hasFlag(i.args, 'rR', '--recursive')) return false;
      // No operands: they come from elsewhere (`… | xargs rm -rf`), so nothing says they are the script's own.
      const all = operands(i.args);
      const words = othersFiles(i, all, false);
      return (all.length === 0 || words.length > 0) && rootRisk(words);
    },
    reason: 'deletes files and folders recursively (rm -r){}',
    examples: { flags: ['ls -1t | tail -n +6 | xargs -r rm -rf', 'rm -rf /tmp/build-cache', 'rm -rf /srv/app/releases/1.2.0', 'rm -fR build', 'rm --recursive --force cache', 'sudo rm -r /opt/old'], quiet: ['work=$(mktemp -d)\nrm -rf "$work"', 'mkdir -p build/x\nrm -rf build/x', 'rm -f /tmp/lock'] },
  },
  {
    id: 'rm-files',
    category: 'files',
    commands: ['rm', 'unlink'],
    matches: 'rm without -r (also rm -f), unlink, on files the script did not create',
    when: (i) => !hasFlag(i.args, 'rR', '--recursive') && (operands(i.args).length === 0 || othersFiles(i, operands(i.args)).length > 0),
    reason: 'deletes files (rm)',
    examples: { flags: ['rm -f /var/run/shop/worker.lock', 'rm /var/lib/shop/cache/*.tmp', 'nice -n 10 rm -f export.csv', 'find . -name "*.orig" | xargs rm -f'], quiet: ['tmp=$(mktemp)\nrm -f "$tmp"', 'rm -f /tmp/lock', 'touch marker\nrm marker', 'echo x > out.txt\nrm -f out.txt'] },
  },
  {
    id: 'find-delete',
    category: 'files',
    commands: ['find'],
    matches: 'find … -delete, find … -exec rm',
    when: (i) => i.args.includes('-delete') || (i.args.some((a) => a === '-exec' || a === '-execdir') && i.args.some((a) => /(^|\/)rm$/.test(a))),
    reason: 'deletes every file it finds (find -delete)',
    examples: { flags: ['find /var/log/app -name "*.gz" -mtime +30 -delete', 'find /var/crash -type f -exec rm -f {} +'], quiet: ['find /var/log -name "*.gz" -print'] },
  },
  {
    id: 'shred',
    category: 'files',
    commands: ['shred'],
    matches: 'shred',
    when: () => true,
    reason: 'overwrites files so they cannot be recovered (shred)',
    examples: { flags: ['shred -u secrets.txt'], quiet: [] },
  },
  {
    id: 'truncate',
    category: 'files',
    commands: ['truncate'],
    matches: 'truncate',
    when: () => true,
    reason: 'cuts files to a new size; what was past it is lost (truncate)',
    examples: { flags: ['truncate -s 0 /var/log/app.log'], quiet: [] },
  },
  {
    id: 'tee-overwrite',
    category: 'files',
    commands: ['tee'],
    matches: 'tee without -a, into a file the script did not create',
    when: (i) => {
      if (hasFlag(i.args, 'a', '--append')) return false;
      const files = othersFiles(i, operands(i.args));
      return files.length > 0 && files.join(', ');
    },
    reason: 'overwrites {} (tee without -a)',
    examples: { flags: ['printf "%s\\n" "$CONFIG" | tee /etc/app.conf'], quiet: ['tee -a deploy.log', 'tee /dev/null', 'exec > >(tee -a /var/log/build.log) 2>&1'] },
  },
  {
    id: 'redirect-overwrite',
    category: 'files',
    commands: [],
    matches: '`>`, `>|`, `&>` into a file the script did not create (not /dev/null, /tmp, a process substitution)',
    when: never,
    reason: 'overwrites {} (what it held is lost)',
    examples: { flags: ['echo ready > /srv/app/STATUS', ': > /var/log/shop/current.log', 'sort names.txt >| names.txt'], quiet: ['tmp=$(mktemp)\necho x > "$tmp"', 'touch out.txt\necho b > out.txt', 'OUT=/srv/r/orders-$(date +%F).csv\nquery > "$OUT"', 'date >> /var/log/deploy.log', 'make > /dev/null 2>&1', 'exec > >(tee -a /var/log/build.log) 2>&1', 'echo 3 > /proc/sys/vm/drop_caches'] },
  },
  {
    id: 'rsync-delete',
    category: 'files',
    commands: ['rsync'],
    matches: 'rsync --delete*, --remove-source-files',
    when: (i) => i.args.some((a) => a.startsWith('--delete') || a === '--remove-source-files'),
    reason: 'deletes files at the destination that the source lacks (rsync --delete)',
    examples: { flags: ['rsync -a --delete build/ /srv/www/'], quiet: ['rsync -a build/ /srv/www/'] },
  },
  {
    id: 'journal-vacuum',
    category: 'files',
    commands: ['journalctl'],
    matches: 'journalctl --vacuum-time/size/files',
    when: (i) => i.args.some((a) => a.startsWith('--vacuum')),
    reason: 'deletes archived journal files (journalctl --vacuum)',
    examples: { flags: ['journalctl --vacuum-time=7d'], quiet: ['journalctl -u app --since today'] },
  },
  // disks
  {
    id: 'dd-of',
    category: 'disks',
    commands: ['dd'],
    matches: 'dd of=',
    when: (i) => i.args.find((a) => a.startsWith('of='))?.slice(3) ?? false,
    reason: 'writes raw bytes over {} (dd of=)',
    examples: { flags: ['dd if=/dev/zero of=/dev/sdb bs=1M count=10'], quiet: ['dd if=/dev/sda bs=512 count=1 | xxd'] },
  },
  {
    id: 'mkfs',
    category: 'disks',
    commands: ['mkfs', 'mke2fs', 'mkswap', 'mkfs.*'],
    matches: 'mkfs, mkfs.TYPE, mke2fs, mkswap',
    when: () => true,
    reason: 'creates a new filesystem, erasing what was on the device (mkfs)',
    examples: { flags: ['mkfs.ext4 -L pgdata /dev/nvme1n1p1', 'mkfs -t xfs /dev/sdc', 'mkswap /dev/sdb2'], quiet: [] },
  },
  {
    id: 'wipefs',
    category: 'disks',
    commands: ['wipefs'],
    matches: 'wipefs (not --no-act)',
    when: (i) => !hasFlag(i.args, 'n', '--no-act'),
    reason: 'erases filesystem signatures (wipefs)',
    examples: { flags: ['wipefs -a /dev/sdb'], quiet: ['wipefs -n /dev/sdb'] },
  },
  {
    id: 'partition-table',
    category: 'disks',
    commands: ['fdisk', 'sfdisk', 'sgdisk', 'parted'],
    matches: 'fdisk/sfdisk/sgdisk (not listing), parted rm/mklabel/mkpart/resizepart',
    when: (i) =>
      i.name === 'parted' ? i.args.some((a) => /^(rm|mklabel|mkpart|resizepart)$/.test(a)) : i.name === 'sgdisk' ? !hasFlag(i.args, 'p', '--print') : !hasFlag(i.args, 'ld', '--list', '--dump'),
    reason: "changes a disk's partition table",
    examples: { flags: ['parted -s /dev/sdb mklabel gpt mkpart primary ext4 0% 100%', 'sgdisk --zap-all /dev/sdb'], quiet: ['fdisk -l', 'parted /dev/sdb print'] },
  },
  // databases
  {
    id: 'sql-delete',
    category: 'databases',
    commands: ['psql', 'mysql', 'mariadb', 'sqlite3', 'sqlite'],
    matches: 'DELETE sent to psql/mysql/sqlite3 (with -c/-e, as arguments, on stdin), read by the SQL parser',
    when: (i) => sqlVerdict(i, (v) => v === 'DELETE'),
    reason: 'deletes rows ({})',
    examples: { flags: ['psql -c "DELETE FROM sessions WHERE expired"', 'sqlite3 /srv/app.db "delete from jobs"', 'psql app <<< "DELETE FROM t"'], quiet: [`psql -c "SELECT 'DELETE' AS note"`, 'psql -c "UPDATE jobs SET state = 1"', 'cat <<EOF\nDELETE FROM t;\nEOF'] },
  },
  {
    id: 'sql-drop',
    category: 'databases',
    commands: ['psql', 'mysql', 'mariadb', 'sqlite3', 'sqlite'],
    matches: 'DROP … sent to a database client',
    when: (i) => sqlVerdict(i, (v) => v.startsWith('DROP')),
    reason: 'drops database objects ({})',
    examples: { flags: ['psql "$DB_URL" --command="DROP TABLE audit_old"', 'docker exec db psql -U app -c "DROP SCHEMA old CASCADE"', "sqlite3 cache.db <<'SQL'\nDROP TABLE IF EXISTS old;\nSQL"], quiet: [`psql -c "SELECT 'DROP TABLE' AS note"`] },
  },
  {
    id: 'sql-truncate',
    category: 'databases',
    commands: ['psql', 'mysql', 'mariadb', 'sqlite3', 'sqlite'],
    matches: 'TRUNCATE sent to a database client',
    when: (i) => sqlVerdict(i, (v) => v === 'TRUNCATE'),
    reason: 'empties tables ({})',
    examples: { flags: ['mysql -u app -e "TRUNCATE events" shop', 'echo "TRUNCATE t;" | mysql app'], quiet: ['mysql -e "SELECT 1"'] },
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
    matches: 'redis-cli FLUSHALL / FLUSHDB / DEL / UNLINK / SHUTDOWN (the command, not a key named so)',
    when: (i) => {
      const verb = operands(i.args, REDIS_OPTIONS)[0] ?? '';
      if (/^flush(all|db)$/i.test(verb)) return `empties Redis (${verb.toUpperCase()})`;
      if (/^(del|unlink)$/i.test(verb)) return `deletes Redis keys (${verb.toUpperCase()})`;
      return /^shutdown$/i.test(verb) && 'stops Redis (SHUTDOWN)';
    },
    reason: '{}',
    examples: { flags: ['redis-cli FLUSHALL', 'redis-cli -h cache-1 -n 2 FLUSHDB', 'redis-cli -h cache-1 DEL feature:flags', 'redis-cli --scan --pattern "price:*" | xargs -r -n 100 redis-cli -h cache UNLINK'], quiet: ['redis-cli -h cache-1 GET del', 'redis-cli INFO keyspace', 'redis-cli --scan --pattern "price:*"'] },
  },
  // restores over live data
  {
    id: 'sql-load',
    category: 'restores',
    commands: ['psql', 'mysql', 'mariadb', 'sqlite3', 'sqlite'],
    matches: 'a database client fed SQL the script does not show: `< dump`, `… | client`, `-f file`',
    when: sqlFromElsewhere,
    reason: 'runs SQL the script does not show, over live data ({})',
    examples: { flags: ['psql app < /var/backups/app.sql', 'gunzip -c dump.sql.gz | mysql shop_qa', 'mysql shop < fixtures.sql', 'psql -f migrate.sql app'], quiet: ['psql -c "SELECT 1" < /dev/null', 'echo "SELECT 1" | mysql app'] },
  },
  {
    id: 'pg-restore',
    category: 'restores',
    commands: ['pg_restore'],
    matches: 'pg_restore into a database (-d / --dbname), not --list',
    when: (i) => optionValue(i.args, '-d', '--dbname') !== undefined && !hasFlag(i.args, 'l', '--list'),
    reason: 'restores a dump over a live database (pg_restore -d)',
    examples: { flags: ['pg_restore --no-owner --jobs=4 -d shop_staging shop.dump', 'pg_restore --clean --dbname=shop shop.dump'], quiet: ['pg_restore --list shop.dump', 'pg_restore -f out.sql shop.dump'] },
  },
  {
    id: 'tar-extract',
    category: 'restores',
    commands: ['tar'],
    matches: 'tar -x into a folder the script did not create (-C DIR, or the current folder)',
    when: (i) => {
      if (!tarExtract(i.args)) return false;
      const into = optionValue(i.args, '-C', '--directory');
      if (into === undefined) return 'the current folder';
      return !i.knowledge.ownedByScript(into) && into;
    },
    reason: 'extracts an archive over the files in {} (tar -x)',
    examples: { flags: ['tar -xzf backup.tgz -C /var/lib/app', 'tar xzf uploads.tar', 'docker run --rm -v up:/data alpine sh -c "tar -xzf /b/up.tgz -C /data"'], quiet: ['tar -czf backup.tgz /var/lib/app', 'tar -tzf backup.tgz', 'dir=$(mktemp -d)\ntar -xzf a.tgz -C "$dir"', 'R=/srv/app/releases/$(date +%s)\nmkdir -p "$R"\ntar -xzf a.tgz -C "$R"'] },
  },
  // services and processes
  {
    id: 'systemctl-stop',
    category: 'services',
    commands: ['systemctl'],
    matches: 'systemctl stop/disable/mask/kill/isolate/poweroff/reboot/halt/rescue/emergency',
    when: (i) => {
      const verb = operands(i.args, SYSTEMCTL_OPTIONS)[0] ?? '';
      const what = SYSTEMCTL_VERBS.get(verb);
      return what ? `${what} (systemctl ${verb})` : false;
    },
    reason: '{}',
    examples: { flags: ['systemctl stop nginx', 'systemctl disable --now nginx', 'systemctl --host cache-1 stop redis-server', 'ssh deploy@app-1 "sudo systemctl stop app"'], quiet: ['systemctl restart app', 'systemctl status app', 'systemctl reload nginx'] },
  },
  {
    id: 'service-stop',
    category: 'services',
    commands: ['service'],
    matches: 'service NAME stop',
    when: (i) => i.args[1] === 'stop',
    reason: 'stops a service (service stop)',
    examples: { flags: ['service app stop'], quiet: ['service app status'] },
  },
  {
    id: 'kill',
    category: 'services',
    commands: ['kill', 'pkill', 'killall'],
    matches: 'kill (not -0, -l), pkill, killall',
    when: (i) => {
      if (i.name === 'pkill') return 'kills every process whose name matches (pkill)';
      if (i.name === 'killall') return 'kills every process with that name (killall)';
      return !i.args.some((a) => a === '-0' || a === '-l' || a === '-L' || a === '-s0') && 'signals processes, usually to end them (kill)';
    },
    reason: '{}',
    examples: { flags: ['kill -TERM "$(cat /run/app.pid)"', 'pkill -9 -f worker', 'killall node'], quiet: ['kill -0 "$PID"', 'pgrep -fa exporter'] },
  },
  {
    id: 'power',
    category: 'services',
    commands: ['reboot', 'poweroff', 'halt', 'shutdown'],
    matches: 'reboot, poweroff, halt, shutdown (not shutdown -c)',
    when: (i) => !(i.name === 'shutdown' && i.args.includes('-c')),
    reason: 'reboots or powers the machine off',
    examples: { flags: ['sudo reboot', 'shutdown -r +5'], quiet: ['shutdown -c'] },
  },
  {
    id: 'container-stop',
    category: 'services',
    commands: ['docker', 'podman'],
    matches: 'docker/podman stop, kill',
    when: (i) => /^(stop|kill)$/.test(containerVerb(i.args)[0] ?? '') && `${i.name} ${containerVerb(i.args)[0]}`,
    reason: 'stops containers ({})',
    examples: { flags: ['docker stop shop-worker', 'podman kill web'], quiet: ['docker start shop-worker', 'docker ps'] },
  },
  {
    id: 'compose-down',
    category: 'services',
    commands: ['docker', 'podman', 'docker-compose', 'podman-compose'],
    matches: 'compose down / stop / kill / rm (without --volumes; see compose-down-volumes)',
    when: (i) => {
      const c = composeVerb(i);
      return c !== undefined && /^(down|stop|kill|rm)$/.test(c.verb) && !(c.verb === 'down' && hasFlag(c.args, 'v', '--volumes')) && `compose ${c.verb}`;
    },
    reason: 'stops and removes the stack’s containers ({})',
    examples: { flags: ['docker compose stop app', 'docker-compose down', 'docker compose -f deploy/compose.yml down'], quiet: ['docker compose up -d', 'docker-compose ps', 'docker compose start app', 'docker compose -f down.yml up'] },
  },
  // containers
  {
    id: 'compose-down-volumes',
    category: 'containers',
    commands: ['docker', 'podman', 'docker-compose', 'podman-compose'],
    matches: 'compose down --volumes / -v',
    when: (i) => {
      const c = composeVerb(i);
      return c?.verb === 'down' && hasFlag(c.args, 'v', '--volumes');
    },
    reason: 'removes the stack’s containers and its volumes, with their data (compose down --volumes)',
    examples: { flags: ['docker compose down --volumes --remove-orphans', 'docker-compose down -v', 'dc="docker compose -f c.yml"\n$dc down --volumes'], quiet: ['docker compose down --remove-orphans'] },
  },
  {
    id: 'container-delete',
    category: 'containers',
    commands: ['docker', 'podman'],
    matches: 'docker/podman rm, rmi, volume rm, any prune',
    when: (i) => {
      const words = containerVerb(i.args);
      const [verb = '', sub = ''] = words;
      const hit = verb === 'rm' || verb === 'rmi' || (/^(volume|image|container|network)$/.test(verb) && /^(rm|remove|prune)$/.test(sub)) || (verb !== 'compose' && words.slice(0, 2).includes('prune'));
      return hit && `${i.name} ${words.slice(0, verb === 'rm' || verb === 'rmi' ? 1 : 2).join(' ')}${verb === 'rm' && hasFlag(i.args, 'v', '--volumes') ? ' -v' : ''}`;
    },
    reason: 'deletes containers, images or volumes ({})',
    examples: { flags: ['docker volume rm shop_pgdata', 'docker rm -v shop-worker-old', 'docker system prune -af', 'docker image prune -f', 'docker builder prune -f', 'docker ps -aq | xargs -r docker rm'], quiet: ['docker volume ls', 'docker run --rm alpine true', 'docker image ls'] },
  },
  // kubernetes and openshift
  {
    id: 'kube-delete',
    category: 'kubernetes',
    commands: ['kubectl', 'oc'],
    matches: 'kubectl/oc delete',
    when: (i) => kubeWords(i.args)[0] === 'delete' && `${i.name} delete`,
    reason: 'deletes Kubernetes resources ({})',
    examples: { flags: ['kubectl delete pod worker-1', 'kubectl -n payments delete job -l app=reindex', 'oc delete pod -n openshift-monitoring prometheus-k8s-0'], quiet: ['kubectl get pods -n delete', 'oc get pods'] },
  },
  {
    id: 'kube-drain',
    category: 'kubernetes',
    commands: ['kubectl', 'oc'],
    matches: 'kubectl drain, oc adm drain',
    when: (i) => {
      const words = kubeWords(i.args);
      return (words[0] === 'drain' || (i.name === 'oc' && words[0] === 'adm' && words[1] === 'drain')) && `${i.name} ${i.name === 'oc' ? 'adm ' : ''}drain`;
    },
    reason: 'evicts every pod from a node ({})',
    examples: { flags: ['kubectl drain node-3 --ignore-daemonsets', 'oc adm drain worker-3 --force'], quiet: ['kubectl cordon node-3', 'oc adm top nodes'] },
  },
  {
    id: 'kube-scale-zero',
    category: 'kubernetes',
    commands: ['kubectl', 'oc'],
    matches: 'kubectl/oc scale --replicas=0 (or --replicas 0)',
    when: (i) => kubeWords(i.args)[0] === 'scale' && replicasZero(i.args),
    reason: 'scales a workload to zero, taking it out of service (scale --replicas=0)',
    examples: { flags: ['kubectl -n payments scale deploy/worker --replicas=0', 'oc scale dc/api --replicas 0'], quiet: ['kubectl scale deploy/api --replicas=6'] },
  },
  {
    id: 'kube-patch',
    category: 'kubernetes',
    commands: ['kubectl', 'oc'],
    matches: 'kubectl/oc patch',
    when: (i) => kubeWords(i.args)[0] === 'patch' && `${i.name} patch`,
    reason: 'changes a live resource in place; the old spec is not kept ({})',
    examples: { flags: [`oc patch clusterversion version --type merge -p '{"spec":{"overrides":[]}}'`, 'kubectl patch deploy api -p "{}"'], quiet: ['kubectl get deploy api -o yaml'] },
  },
  {
    id: 'helm-uninstall',
    category: 'kubernetes',
    commands: ['helm'],
    matches: 'helm uninstall / delete',
    when: (i) => /^(uninstall|delete|del|un)$/.test(operands(i.args, options('-n', '--namespace', '--kube-context'))[0] ?? ''),
    reason: 'removes a Helm release and its resources (helm uninstall)',
    examples: { flags: ['helm uninstall preview-42 -n previews'], quiet: ['helm list -n previews'] },
  },
  // network and firewall
  {
    id: 'ip-delete',
    category: 'network',
    commands: ['ip'],
    matches: 'ip link/addr/route/neigh/rule/netns delete|del|flush, ip link set … down',
    when: (i) => ipVerdict(i.args),
    reason: 'removes or takes down network configuration ({})',
    examples: { flags: ['ip link delete br-lab type bridge', 'ip link del eth0.42', 'ip addr flush dev eth1', 'ip route del 10.42.0.0/16 via 10.0.0.1', 'ip link set br-lab down'], quiet: ['ip -br link show', 'ip addr show dev eth1', 'ip route show', 'ip link set eth1 up'] },
  },
  {
    id: 'ifdown',
    category: 'network',
    commands: ['ifdown'],
    matches: 'ifdown',
    when: () => true,
    reason: 'takes a network interface down (ifdown)',
    examples: { flags: ['ifdown eth1'], quiet: [] },
  },
  {
    id: 'iptables-flush',
    category: 'network',
    commands: ['iptables', 'ip6tables', 'iptables-legacy', 'iptables-nft'],
    matches: 'iptables -F / -X / -D (also --flush, --delete-chain, --delete)',
    when: (i) => hasFlag(i.args, 'FXD', '--flush', '--delete-chain', '--delete'),
    reason: 'deletes firewall rules or chains (iptables -F/-X/-D)',
    examples: { flags: ['iptables -F', 'iptables -t nat -F', 'iptables -X', 'iptables -D INPUT -s 203.0.113.0/24 -j DROP', 'sudo bash -c "iptables -F SHOP-IN"'], quiet: ['iptables -L -n -v', 'iptables -S', 'iptables -A INPUT -j DROP'] },
  },
  {
    id: 'iptables-restore',
    category: 'network',
    commands: ['iptables-restore', 'ip6tables-restore'],
    matches: 'iptables-restore (not --test, not --noflush)',
    when: (i) => !hasFlag(i.args, 'tn', '--test', '--noflush'),
    reason: 'replaces every firewall rule with the file’s (iptables-restore)',
    examples: { flags: ['iptables-restore < /etc/iptables/rules.v4'], quiet: ['iptables-restore --test < rules.v4'] },
  },
  {
    id: 'nft-delete',
    category: 'network',
    commands: ['nft'],
    matches: 'nft flush / delete / destroy',
    when: (i) => /^(flush|delete|destroy)$/.test(operands(i.args, options('-f', '--file', '-I', '--includepath'))[0] ?? '') && `nft ${operands(i.args)[0]}`,
    reason: 'deletes firewall rules, chains or tables ({})',
    examples: { flags: ['nft flush ruleset', 'nft delete table inet blocklist'], quiet: ['nft list ruleset', 'nft -c -f /etc/nftables.conf'] },
  },
  {
    id: 'ufw-reset',
    category: 'network',
    commands: ['ufw'],
    matches: 'ufw reset / delete / disable',
    when: (i) => /^(reset|delete|disable)$/.test(operands(i.args)[0] ?? '') && `ufw ${operands(i.args)[0]}`,
    reason: 'removes firewall rules or turns the firewall off ({})',
    examples: { flags: ['ufw --force reset', 'ufw delete allow 8080'], quiet: ['ufw status verbose'] },
  },
  // packages
  {
    id: 'package-remove',
    category: 'packages',
    commands: ['apt', 'apt-get', 'aptitude', 'yum', 'dnf', 'microdnf', 'zypper', 'rpm', 'apk', 'snap'],
    matches: 'apt/apt-get/yum/dnf/zypper remove|purge|autoremove|erase, rpm -e, apk del, snap remove',
    when: (i) => packageVerb(i) ?? false,
    reason: 'removes installed packages ({})',
    examples: { flags: ['apt-get remove -y collectd', 'apt-get purge -y "nagios-*"', 'apt-get autoremove -y', 'yum remove -y "php-*"', 'dnf -y autoremove', 'rpm -e httpd-tools'], quiet: ['apt-get install -y nginx', 'apt-get update', 'dnf install -y nginx', 'rpm -qa "php*"'] },
  },
  // git
  {
    id: 'git-push-force',
    category: 'git',
    commands: ['git'],
    matches: 'git push --force/-f/--force-with-lease/--mirror, or a +refspec',
    when: (i) => operands(i.args)[0] === 'push' && (hasFlag(i.args, 'f', '--force', '--force-with-lease', '--mirror') || operands(i.args).some((a) => a.startsWith('+'))),
    reason: 'rewrites a remote branch (git push --force)',
    examples: { flags: ['git push --force origin main', 'git push origin +main', 'git push --force-with-lease origin main'], quiet: ['git push origin main'] },
  },
  {
    id: 'git-push-delete',
    category: 'git',
    commands: ['git'],
    matches: 'git push --delete / -d, or a :refspec',
    when: (i) => operands(i.args)[0] === 'push' && (hasFlag(i.args, 'd', '--delete') || operands(i.args).some((a) => a.startsWith(':'))),
    reason: 'deletes a remote branch or tag (git push --delete)',
    examples: { flags: ['git push origin --delete release/2023.4', 'git push origin :old-branch'], quiet: ['git push origin v2024.1'] },
  },
  {
    id: 'git-discard',
    category: 'git',
    commands: ['git'],
    matches: 'git reset --hard, git clean -f, git branch -D',
    when: (i) => {
      const verb = operands(i.args)[0];
      if (verb === 'reset' && i.args.includes('--hard')) return 'discards uncommitted changes (git reset --hard)';
      if (verb === 'clean' && hasFlag(i.args, 'f', '--force')) return 'deletes untracked files (git clean -f)';
      if (verb === 'branch' && (hasFlag(i.args, 'D') || (hasFlag(i.args, 'd', '--delete') && hasFlag(i.args, 'f', '--force')))) return 'deletes a branch that may not be merged (git branch -D)';
      return false;
    },
    reason: '{}',
    examples: { flags: ['git reset --hard origin/main', 'git clean -fdx -e .env', 'git branch -D release/2023.4'], quiet: ['git status --short', 'git tag -f deployed', 'git fetch --prune origin'] },
  },
  // access
  {
    id: 'recursive-ownership',
    category: 'access',
    commands: ['chmod', 'chown', 'chgrp'],
    matches: 'chmod/chown/chgrp -R',
    when: (i) => hasFlag(i.args, 'R', '--recursive') && `changes ${i.name === 'chmod' ? 'permissions' : i.name === 'chown' ? 'the owner' : 'the group'} of a whole tree (${i.name} -R)`,
    reason: '{}',
    examples: { flags: ['chmod -R 777 /srv/app', 'chown -R deploy: /srv'], quiet: ['chmod 600 key.pem'] },
  },
  {
    id: 'crontab-remove',
    category: 'access',
    commands: ['crontab'],
    matches: 'crontab -r',
    when: (i) => hasFlag(i.args, 'r'),
    reason: 'removes the whole crontab (crontab -r)',
    examples: { flags: ['crontab -r -u alice'], quiet: ['crontab -l -u alice'] },
  },
  {
    id: 'account-delete',
    category: 'access',
    commands: ['userdel', 'groupdel', 'deluser', 'delgroup'],
    matches: 'userdel, groupdel, deluser, delgroup',
    when: () => true,
    reason: 'deletes a user account or group',
    examples: { flags: ['userdel -r alice', 'groupdel contractors'], quiet: [] },
  },
  // infrastructure
  {
    id: 'terraform-destroy',
    category: 'infrastructure',
    commands: ['terraform', 'tofu'],
    matches: 'terraform destroy, apply -destroy, apply of a plan made with plan -destroy -out=FILE earlier in the script',
    when: (i) => {
      const words = operands(i.args);
      if (words[0] === 'destroy') return true;
      if (words[0] !== 'apply') return false;
      return i.args.includes('-destroy') || words.slice(1).some((w) => i.knowledge.isDestroyPlan(w));
    },
    reason: 'destroys infrastructure (terraform destroy)',
    examples: { flags: ['terraform destroy -auto-approve', 'terraform apply -destroy', 'terraform plan -destroy -out=destroy.plan\nterraform apply -auto-approve destroy.plan'], quiet: ['terraform plan -destroy -out=destroy.plan', 'terraform apply -auto-approve app.plan'] },
  },
  {
    id: 'terraform-state-delete',
    category: 'infrastructure',
    commands: ['terraform', 'tofu'],
    matches: 'terraform workspace delete, terraform state rm',
    when: (i) => {
      const [a, b] = operands(i.args);
      return (a === 'workspace' && b === 'delete') || (a === 'state' && b === 'rm');
    },
    reason: 'deletes Terraform state, so Terraform forgets what it manages',
    examples: { flags: ['terraform workspace delete pr-42', 'terraform state rm aws_instance.old'], quiet: ['terraform workspace select pr-42', 'terraform state list'] },
  },
  // any other command-line tool
  {
    id: 'cli-delete-verb',
    category: 'infrastructure',
    commands: [],
    matches: 'a tool with no rule of its own, run with a delete-type subcommand (`aws s3 rm`, `gcloud … delete`, `vault kv delete`, `odf … delete`, `virsh destroy`, `npm uninstall`)',
    when: (i) => subcommandLike(i, DELETE_VERB),
    reason: 'runs a subcommand that removes something ({})',
    examples: { flags: ['odf cephfs-snap delete sub-1 snap-1', 'aws s3 rm s3://shop-backups/2024/ --recursive', 'gcloud sql instances delete shop-staging', 'vault kv delete secret/shop', 'aws ec2 terminate-instances --instance-ids i-0abc', 'virsh destroy vm-7', 'aws --endpoint-url https://s3.local --no-verify-ssl s3 rm s3://b/x --recursive'], quiet: ['odf cephfs-snap ls', 'aws s3 ls s3://shop-backups/', 'echo delete', 'grep -c remove log.txt', 'ls remove', 'tool ./data/delete'] },
  },
  {
    id: 'cli-stop-verb',
    category: 'services',
    commands: [],
    matches: 'a tool with no rule of its own, run with a stop-type subcommand (`virtctl stop`, `supervisorctl stop`, `pm2 kill`)',
    when: (i) => subcommandLike(i, STOP_VERB),
    reason: 'runs a subcommand that stops something ({})',
    examples: { flags: ['virtctl stop vm-7 -n prod', 'supervisorctl stop worker:*', 'pm2 kill'], quiet: ['virtctl start vm-7', 'supervisorctl status', 'echo stop'] },
  },
  {
    id: 'http-delete',
    category: 'infrastructure',
    commands: ['curl', 'http', 'https', 'xh'],
    matches: 'curl -X DELETE / --request DELETE, httpie DELETE',
    when: (i) => (i.name === 'curl' ? /^delete$/i.test(optionValue(i.args, '-X', '--request') ?? '') : /^delete$/i.test(operands(i.args)[0] ?? '')),
    reason: 'sends an HTTP DELETE',
    examples: { flags: ['curl -fsS -X DELETE https://api.example.com/v1/jobs/42', 'curl --request=DELETE http://localhost:9200/logs-2023', 'http DELETE :8080/cache'], quiet: ['curl -fsS https://api.example.com/v1/jobs/42', 'curl -X POST -d delete=1 https://x'] },
  },
  // commands that cannot be read before they run
  {
    id: 'command-from-variable',
    category: 'unknown',
    commands: [],
    matches: 'a command named by a variable the script does not set to a fixed value (`$TOOL …`, `exec "$@"`)',
    when: never,
    reason: 'runs a command named by {}, which the script does not set to a fixed value: cannot tell what runs',
    examples: { flags: ['"$TOOL" "$ACTION"', '$EDITOR /etc/app.conf', 'exec "$@"', 'sudo $CMD'], quiet: ['"$DEPLOY_ROOT/current/bin/restart" --graceful', 'CMD="systemctl status shop"\n$CMD', 'run() { echo "+ $*"; "$@"; }\nrun echo hi', 'SUDO=sudo\n$SUDO apt-get update'] },
  },
  {
    id: 'eval',
    category: 'unknown',
    commands: [],
    matches: 'eval of text built at run time (not `eval "$(ssh-agent -s)"` and the like)',
    when: never,
    reason: 'runs text built at run time (eval): cannot tell what runs',
    examples: { flags: ['eval "$ACTION --force"', 'eval $(cat commands.txt)'], quiet: ['eval "$(ssh-agent -s)"', 'eval "$(direnv export bash)"'] },
  },
];

/**
 * The rules that look at a command name (`mkfs.ext4` is looked up as `mkfs.*`). A tool with
 * no rule of its own gets the delete-verb rule, unless it only handles text or runs another
 * command (`sudo`, `sh`, … are unwrapped and their command judged instead).
 */
export function rulesFor(name: string, runsOthers: (name: string) => boolean = () => false): DestructiveRule[] {
  const key = /^mkfs\./.test(name) ? 'mkfs.*' : name;
  const own = BY_NAME.get(key);
  if (own) return own;
  return TEXT_TOOLS.has(name) || runsOthers(name) || sqlClientOf(name) !== undefined || !/^[A-Za-z][\w.-]*$/.test(name) ? [] : CLI_VERBS;
}

/** The command has rules of its own in the table (not only the delete-verb rule every tool gets). */
export function hasOwnRules(name: string): boolean {
  return BY_NAME.has(/^mkfs\./.test(name) ? 'mkfs.*' : name);
}

export function ruleById(id: string): DestructiveRule {
  const rule = RULES.find((r) => r.id === id);
  if (!rule) throw new Error(`no destructive-command rule has id '${id}'; this is a bug in Handrail`);
  return rule;
}

/**
 * `tool [group…] VERB …`: the verb among the first three words that are not options, each
 * before it a plain lower-case word. A word right after a `--long` option is taken for its
 * value (`aws --endpoint-url URL s3 rm …`).
 */
function subcommandLike(i: RuleInput, verb: RegExp): string | false {
  const words: string[] = [];
  for (let n = 0; n < i.args.length && words.length < 3; n++) {
    const arg = i.args[n] ?? '';
    if (arg === '--') break;
    if (arg.startsWith('-')) {
      if (/^--[\w-]+$/.test(arg) && !verb.test(i.args[n + 1] ?? '')) n++;
      continue;
    }
    words.push(arg);
    if (verb.test(arg)) return `${i.name} ${words.join(' ')}`;
    if (!/^[a-z][\w-]*$/.test(arg)) return false;
  }
  return false;
}

const STOP_VERB = /^(stop|kill|shutdown|poweroff|halt)$/;
/** `ceph osd pool delete`, `aws s3 rm`, `aws ec2 terminate-instances`, `npm uninstall`. */
const DELETE_VERB = /^(delete|del|rm|remove|purge|destroy|drop|wipe|erase|uninstall|prune|flush|terminate|deregister|evict)$|^(delete|remove|terminate|deregister|purge|destroy|drop)-/;
/** Commands whose words are text or paths, not subcommands: `echo delete` deletes nothing. */
const TEXT_TOOLS = new Set(
  'echo printf grep egrep fgrep rg ag sed awk gawk jq yq cut sort uniq head tail wc tr tee cat tac less more ls cp mv ln mkdir touch test [ [[ logger man which type help vi vim nano emacs read export local declare set unset alias source . true false sleep date basename dirname realpath readlink stat file du df diff cmp comm paste column xxd od base64 gzip gunzip zcat bzip2 xz tar zip unzip sha256sum md5sum wget'.split(' '),
);
const CLI_VERBS = [ruleById('cli-delete-verb'), ruleById('cli-stop-verb')];
const BY_NAME = new Map<string, DestructiveRule[]>();
for (const rule of RULES) for (const name of rule.commands) BY_NAME.set(name, [...(BY_NAME.get(name) ?? []), rule]);
