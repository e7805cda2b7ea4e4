/**
 * A team ledger for tests: a real PostgreSQL, `handrail team init` run through the CLI as its
 * superuser, and one login per person (an operator is in handrail_writer, a lead in both
 * roles). Each login's password goes to the CLI in HANDRAIL_LEDGER_PASSWORD, never in a URL.
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
    const roles = role === 'lead' ? 'handrail_writer, handrail_reader' : 'handrail_writer';
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
