// Where the team ledger is, for this machine: `team:` in handrail.yml (shared through git),
// the URL overridden by HANDRAIL_TEAM_URL for one machine. No `team:` and no override: no
// ledger, and Handrail behaves as it always did.
import type { Inventory } from '../../contract/inventory.js';
import type { LedgerAddress } from '../../targets/ledger/ledger-connection.js';
import { UserError } from '../errors.js';

export interface TeamConfig extends LedgerAddress {
  /** Where the URL came from, for messages. */
  source: 'handrail.yml' | 'HANDRAIL_TEAM_URL';
  /** The environment variable the password is read from, if any. */
  passwordEnv: string | undefined;
}

export const TEAM_URL_ENV = 'HANDRAIL_TEAM_URL';

export function teamConfig(inventory: Pick<Inventory, 'team'>, env: NodeJS.ProcessEnv = process.env): TeamConfig | undefined {
  const override = env[TEAM_URL_ENV]?.trim() || undefined;
  const url = override ?? inventory.team?.postgres;
  if (url === undefined) return undefined;
  const source = override ? 'HANDRAIL_TEAM_URL' : 'handrail.yml';
  checkUrl(url, source);
  const passwordEnv = inventory.team?.['password-env'];
  const password = passwordEnv !== undefined ? env[passwordEnv] : undefined;
  return { url, password, passwordEnv, source };
}

function checkUrl(url: string, source: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UserError(`the team ledger URL in ${source} is not a URL; write postgres://user@host:5432/database; nothing was done`);
  }
  if (!/^postgres(ql)?:$/.test(parsed.protocol)) {
    throw new UserError(`the team ledger URL in ${source} must start with postgres://; nothing was done`);
  }
  // The URL is printed in messages and kept in shared files: a password in it would leak.
  if (parsed.password !== '') {
    throw new UserError(
      `the team ledger URL in ${source} holds a password; remove it and name an environment variable with team.password-env in handrail.yml instead; nothing was done`,
    );
  }
}
