/**
 * A team ledger for tests: a real PostgreSQL, `handrail team init` run through the CLI as its
 * superuser, and one login per person (an operator is in handrail_writer, a lead in both
 * roles and in handrail_lead, which may release another machine's team lock). Each login's
 * password goes to the CLI in HANDRAIL_LEDGER_PASSWORD, never in a URL.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { handrail } from './handrail-cli.js';
import { type PgHandle, startPostgres } from './postgres.js';

export interface LedgerLogin {
  name: string;
  /** postgres://NAME@127.0.0.1:PORT/ledger, without the password. */
  url: string;
  password: string;
}

export interface TestLedger {
  pg: PgHandle;
  database: string;
  login(name: string): LedgerLogin;
  /** The environment a machine's CLI gets to reach the ledger as `name`. */
  env(name: string): Record<string, string>;
}

export const LEDGER_PASSWORD_ENV = 'HANDRAIL_LEDGER_PASSWORD';

/** `handrail.yml`'s team section; each machine's login comes from HANDRAIL_TEAM_URL. */
export function teamYaml(ledger: TestLedger): string {
  return `team:\n  postgres: ${JSON.stringify(ledger.login('nobody').url)}\n  password-env: ${LEDGER_PASSWORD_ENV}\n`;
}

export async function startTestLedger(scratch: string, people: Record<string, 'operator' | 'lead'>): Promise<TestLedger> {
  const database = 'ledger';
  const pg = await startPostgres({ database });
  const init = handrail(['team', 'init', '--admin-url', pg.url, '--password-env', 'LEDGER_ADMIN_PASSWORD'], {
    dataDir: join(scratch, 'admin-data'),
    env: { LEDGER_ADMIN_PASSWORD: pg.password },
  });
  if (init.code !== 0) throw new Error(`team init failed: ${init.stderr}`);
  const logins = new Map<string, LedgerLogin>();
  for (const [name, role] of Object.entries(people)) {
    const password = randomBytes(12).toString('hex');
    const roles = role === 'lead' ? 'handrail_writer, handrail_reader, handrail_lead' : 'handrail_writer';
    await pg.psql(`CREATE ROLE ${name} LOGIN PASSWORD '${password}' IN ROLE ${roles};`);
    logins.set(name, { name, url: `postgres://${name}@127.0.0.1:${pg.port}/${database}`, password });
  }
  const login = (name: string): LedgerLogin =>
    logins.get(name) ?? { name, url: `postgres://${name}@127.0.0.1:${pg.port}/${database}`, password: '' };
  return {
    pg,
    database,
    login,
    env: (name) => ({ HANDRAIL_TEAM_URL: login(name).url, [LEDGER_PASSWORD_ENV]: login(name).password }),
  };
}

/** psql as one of the logins (not the superuser), resolving its whole result whatever the exit. */
export function psqlAs(ledger: TestLedger, name: string, sql: string): ReturnType<PgHandle['runPsql']> {
  const login = ledger.login(name);
  return ledger.pg.runPsql(sql, { withPassword: false, env: { PGUSER: name, PGPASSWORD: login.password } });
}

/** A workspace on the ledger: a SQLite file and a PostgreSQL database (in the ledger's cluster), runbooks that change one then wait. */
export interface TeamWorkspace {
  dir: string;
  dbPath: string;
  ready: string;
  release: string;
  /** Each machine is a data folder with its own ledger login and operator name. */
  machine(name: string, login: string, operator: string): import('./handrail-cli.js').CliOptions;
  count(target: 'lite' | 'pgdb'): Promise<number>;
}

export async function teamWorkspace(root: string, ledger: TestLedger): Promise<TeamWorkspace> {
  const { mkdirSync, writeFileSync } = await import('node:fs');
  const { default: Database } = await import('better-sqlite3');
  const dir = join(root, 'ws');
  const dbPath = join(root, 'app.db');
  const ready = join(root, 'ready');
  const release = join(root, 'release');
  mkdirSync(dir, { recursive: true });
  const db = new Database(dbPath);
  db.exec('CREATE TABLE counter (n INTEGER NOT NULL); INSERT INTO counter VALUES (0);');
  db.close();
  await ledger.pg.psql('CREATE DATABASE shop;', { database: 'postgres' });
  await ledger.pg.psql('CREATE TABLE counter (n integer NOT NULL); INSERT INTO counter VALUES (0);', { database: 'shop' });
  const shopUrl = `postgres://postgres@127.0.0.1:${ledger.pg.port}/shop`;
  writeFileSync(
    join(dir, 'handrail.yml'),
    `${teamYaml(ledger)}environments:
  dev:
    targets:
      lite: { sqlite: ${JSON.stringify(dbPath)} }
      pgdb: { postgres: ${JSON.stringify(shopUrl)}, password-env: SHOP_PG_PASSWORD }
`,
  );
  const blocking = (id: string, target: string) => `---
id: ${id}
title: Change once, then wait
version: 1.0.0
---

## Count one change

\`\`\`sql {target=${target} mutates}
UPDATE counter SET n = n + 1;
\`\`\`

## Wait for the test

\`\`\`sh {target=local}
echo $$ > ${ready}.pid
touch ${ready}
while [ ! -e ${release} ]; do sleep 0.05; done
echo released
\`\`\`
`;
  writeFileSync(join(dir, 'lite.md'), blocking('lite-once', 'lite'));
  writeFileSync(join(dir, 'pgdb.md'), blocking('pg-once', 'pgdb'));
  writeFileSync(
    join(dir, 'look.md'),
    '---\nid: look\ntitle: Look only\nversion: 1.0.0\n---\n\n## Count\n\n```sql {target=lite}\nSELECT n FROM counter;\n```\n\n## Say so\n\n```sh {target=local}\necho looked\n```\n',
  );
  return {
    dir,
    dbPath,
    ready,
    release,
    machine: (name, login, operator) => ({
      dataDir: join(root, `data-${name}`),
      workspace: dir,
      env: { ...ledger.env(login), HANDRAIL_OPERATOR: operator, SHOP_PG_PASSWORD: ledger.pg.password },
    }),
    count: async (target) => {
      if (target === 'pgdb') return Number(await ledger.pg.psql('SELECT n FROM counter', { database: 'shop' }));
      const lite = new Database(dbPath, { readonly: true });
      try {
        return Number(lite.prepare('SELECT n FROM counter').pluck().get());
      } finally {
        lite.close();
      }
    },
  };
}

/** Frees every team lock between tests: the ledger's superuser (a lead to it) releases what is left. */
export async function releaseEveryLock(ledger: TestLedger): Promise<void> {
  await ledger.pg.psql(
    `INSERT INTO handrail.lock_events (lock_id, action, lock_key, machine_id, hostname, operator, run_id, activity, note)
     SELECT lock_id, 'release', lock_key, machine_id, hostname, 'test', run_id, 'cleanup', 'between tests' FROM handrail.held_locks;`,
  );
}
