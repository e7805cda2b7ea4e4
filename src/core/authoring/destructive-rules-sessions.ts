// Destructive-command rules for a person's session opened inside a container, and for the
// one framework command that empties a database. A shell, a database console or a REPL on
// the live application runs whatever the person types (a `FLUSHALL`, an `rm`), so what the
// step does cannot be read from the script; a command the script names in full is judged by
// the other rules instead. destructive-rules.ts joins the tables.
import { hasFlag, operands, options } from './command-args.js';
import type { DestructiveRule, RuleInput } from './destructive-rule-types.js';
import { composeVerb, containerVerb } from './destructive-rules-platforms.js';

const SHELLS = /^(sh|bash|ash|dash|zsh|fish|ksh)$/;
/** Options of exec/run (docker, podman, compose, kubectl) that take the next word as their value. */
const EXEC_VALUES = options('-u', '--user', '-e', '--env', '--env-file', '-w', '--workdir', '--index', '--name', '-v', '--volume', '-p', '--publish', '--entrypoint', '--network', '-n', '--namespace', '-c', '--container', '-l', '--label', '--context', '--kubeconfig');
/** Options of the consoles that take a value: what is left is the command they were given. */
const CONSOLE_VALUES = options('-h', '-p', '-a', '-n', '-u', '-U', '-d', '-H', '-P', '-P', '--user', '--pass', '--host', '--port', '--username', '--dbname', '-D', '--database');

/** The words after the first operand (the container or service): the command, its own options kept. */
function afterTarget(args: string[]): string[] {
  for (let n = 0; n < args.length; n++) {
    const arg = args[n] ?? '';
    if (arg === '--') return args.slice(n + 2);
    if (EXEC_VALUES.has(arg)) n++;
    else if (!arg.startsWith('-')) return args.slice(n + 1);
  }
  return [];
}

/** The program and arguments a container exec runs, and whether it gets a terminal, or undefined. */
function execCommand(i: RuleInput): { command: string[]; terminal: boolean } | undefined {
  const compose = composeVerb(i);
  if (compose) {
    if (compose.verb !== 'exec' && compose.verb !== 'run') return undefined;
    const args = compose.args.slice(compose.args.indexOf(compose.verb) + 1);
    const command = afterTarget(args);
    // compose exec gives a terminal unless told not to (-T); a detached run has none.
    return { command, terminal: !hasFlag(args.slice(0, args.length - command.length), 'Td', '--no-TTY', '--detach') };
  }
  const verb = i.name === 'kubectl' || i.name === 'oc' ? operands(i.args, EXEC_VALUES)[0] : containerVerb(i.args)[0];
  if (verb !== 'exec' && verb !== 'run') return undefined;
  const args = i.args.slice(i.args.indexOf(verb) + 1);
  const dashes = args.indexOf('--');
  const kube = i.name === 'kubectl' || i.name === 'oc';
  const command = kube ? (dashes === -1 ? [] : args.slice(dashes + 1)) : afterTarget(args);
  // Without -t a shell reads what is piped or redirected in (`docker exec -i db sh < x.sh`): the script's own text.
  return { command, terminal: hasFlag(args.slice(0, args.length - command.length), 't', '--tty') };
}

/** A session waiting for what a person types: a shell with no code, a console with no command. */
function session(command: string[]): string | undefined {
  const [first, ...rest] = command;
  const name = (first ?? '').split('/').pop() ?? '';
  if (SHELLS.test(name)) return rest.some((a) => !a.startsWith('-') || /^-[a-z]*c/.test(a)) ? undefined : `a ${name} shell`;
  if (/^(redis-cli|psql|mysql|mariadb|mongo|mongosh|valkey-cli)$/.test(name)) {
    if (rest.some((a) => /^(-c|-f|-e|--command|--file|--execute|--eval)$/.test(a) || /^--(command|file|execute|eval)=/.test(a))) return undefined;
    const words = operands(rest, CONSOLE_VALUES);
    // redis-cli's first operand is a command; psql's and mysql's is the database to open.
    return (name.endsWith('-cli') ? words.length === 0 : words.length <= 1) ? `the ${name} console` : undefined;
  }
  if (/^php[\d.]*$/.test(name) && /(^|\/)artisan$/.test(rest[0] ?? '') && rest[1] === 'tinker') return 'the application console (artisan tinker)';
  if (/(^|\/)rails$/.test(name) && /^(c|console|dbconsole)$/.test(rest[0] ?? '')) return 'the application console (rails console)';
  return undefined;
}

/** `migrate:fresh`, `db:wipe`, `db:reset`, `flush`: the framework's way to empty its database. */
const SCHEMA_RESET: Record<string, RegExp> = {
  artisan: /^(migrate:fresh|migrate:reset|migrate:refresh|db:wipe)$/,
  rails: /^(db:drop|db:reset|db:schema:load|db:migrate:reset|db:purge)$/,
  rake: /^(db:drop|db:reset|db:schema:load|db:migrate:reset|db:purge)$/,
  'manage.py': /^(flush|reset_db|sqlflush)$/,
};

export const SESSION_RULES: readonly DestructiveRule[] = [
  {
    id: 'container-session',
    category: 'unknown',
    commands: ['docker', 'podman', 'docker-compose', 'podman-compose', 'kubectl', 'oc'],
    matches: 'exec/run with a terminal of a shell with no code, a database console with no query, or an application REPL (`compose exec app sh`, `docker exec -it db psql`, `artisan tinker`)',
    when: (i) => {
      const run = execCommand(i);
      const what = run?.terminal ? session(run.command) : undefined;
      return what ?? false;
    },
    reason: 'opens {} in a container: what runs is typed by a person, so it cannot be told from the script',
    examples: {
      flags: ['docker compose -f dev.yml exec -u www-data app sh', 'docker compose exec redis redis-cli', 'docker compose exec -u www-data app php artisan tinker', 'docker exec -it "$INSTANCE" bash', 'kubectl exec -it -n db pg-0 -- psql -U postgres'],
      quiet: ['docker compose exec -T app php artisan migrate --force', 'docker exec db psql -c "select 1"', 'docker exec -it web ls /', 'docker compose exec redis redis-cli ping', 'docker exec btc bitcoin-cli "$@"', 'docker compose exec -T db bash -c "pg_dump x > /tmp/d"', 'docker run --rm -i img sh < script.sh', 'docker build -t app .'],
    },
  },
  {
    id: 'schema-reset',
    category: 'databases',
    commands: Object.keys(SCHEMA_RESET),
    matches: 'artisan migrate:fresh/reset/refresh, db:wipe; rails/rake db:drop/reset/schema:load; manage.py flush',
    when: (i) => (SCHEMA_RESET[i.name]?.test(operands(i.args)[0] ?? '') ? `${i.name} ${operands(i.args)[0] ?? ''}` : false),
    reason: 'empties the application database ({}): every table dropped or cleared',
    examples: { flags: ['php artisan migrate:fresh --seed', 'bin/rails db:reset', 'python manage.py flush --noinput'], quiet: ['php artisan migrate --force', 'php artisan optimize:clear', 'bin/rails db:migrate', 'python manage.py migrate'] },
  },
];
