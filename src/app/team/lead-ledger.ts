// The lead's connection to the team ledger, for `--team` and the console's team scope. Any
// login that may SELECT the schema works (handrail_reader is enough). No `team:` configured,
// the password variable unset, or the ledger not answering: a refusal (exit 2) that says
// what and what to do, never a stack trace; and since a lead only reads, nothing was changed.
import { resolve } from 'node:path';
import { connectLedger, ledgerPlace, type LedgerClient } from '../../targets/ledger/ledger-connection.js';
import { UserError } from '../errors.js';
import { loadInventory } from '../run-plan.js';
import type { Settings } from '../settings.js';
import { firstLine } from '../../store/store-error.js';
import { describeLedgerFault } from './ledger-faults.js';
import { TEAM_URL_ENV, teamConfig, type TeamConfig } from './team-config.js';

export interface LeadLedger {
  client: LedgerClient;
  config: TeamConfig;
  /** host:port/database, for headings and messages. */
  place: string;
  close(): Promise<void>;
}

/** The team ledger this workspace names, or a refusal worded for the lead. */
export async function leadTeamConfig(settings: Settings, env: NodeJS.ProcessEnv = process.env): Promise<TeamConfig> {
  let config: TeamConfig | undefined;
  try {
    // With the URL overridden for this machine, a workspace without handrail.yml still reaches the ledger.
    const inventory = await loadInventory(resolve(settings.workspace)).catch((error: unknown) => {
      if (env[TEAM_URL_ENV]?.trim()) return {};
      throw error;
    });
    config = teamConfig(inventory, env);
  } catch (error) {
    if (error instanceof UserError) throw new UserError(`${error.message.replace(/; nothing was (done|executed)$/, '')}; --team reads the team ledger, so nothing was read`, 2);
    throw error;
  }
  if (config === undefined) {
    throw new UserError(
      `no team ledger is configured for the workspace ${settings.workspace}: --team reads the team ledger named by team: { postgres: URL, password-env: NAME } in handrail.yml ` +
        `(or ${TEAM_URL_ENV} for one machine). Add it (see the README, "Team ledger"), or leave out --team to see this machine's own trail; nothing was read`,
      2,
    );
  }
  if (config.passwordEnv !== undefined && !config.password) {
    throw new UserError(`the team ledger's password variable ${config.passwordEnv} (team.password-env in handrail.yml) is not set: set it in this shell, then try again; nothing was read`, 2);
  }
  return config;
}

export async function openLeadLedger(settings: Settings, purpose = 'lead', env: NodeJS.ProcessEnv = process.env): Promise<LeadLedger> {
  const config = await leadTeamConfig(settings, env);
  const place = ledgerPlace(config.url);
  let client: LedgerClient;
  try {
    client = await connectLedger(config, purpose);
  } catch (error) {
    throw new UserError(`${describeLedgerFault(config.url, error)}; nothing was read. Check that the ledger's server is up and reachable from here, then try again; without --team, this machine's own trail is still there`, 2);
  }
  return { client, config, place, close: () => client.end().catch(() => undefined) };
}

/** A failure while reading an open ledger (it went away mid-read, or refused a query), as a refusal. */
export function ledgerReadFault(ledger: Pick<LeadLedger, 'config'>, error: unknown): UserError {
  if (error instanceof UserError) return error;
  if ((error as { code?: unknown } | null)?.code === '42501') {
    return new UserError(`the team ledger at ${ledgerPlace(ledger.config.url)} refused to let this login read it (${firstLine(error)}): a lead's login needs the role handrail_reader (GRANT handrail_reader TO NAME); nothing was read`, 2);
  }
  return new UserError(`${describeLedgerFault(ledger.config.url, error)}; nothing was changed. Try again once the ledger answers`, 2);
}
