// The connection approval requests travel on: the team ledger this workspace names (or
// HANDRAIL_TEAM_URL on this machine). Without one, or with it unreachable, a refusal that says
// what to do instead: the plan file and PLAN.sig work with no ledger at all.
import { resolve } from 'node:path';
import { connectLedger, ledgerPlace, type LedgerClient } from '../../targets/ledger/ledger-connection.js';
import { checkLedgerSchema } from '../../targets/ledger/ledger-migrate.js';
import { UserError } from '../errors.js';
import { loadInventory } from '../run-plan.js';
import type { Settings } from '../settings.js';
import { describeLedgerFault } from '../team/ledger-faults.js';
import { TEAM_URL_ENV, teamConfig } from '../team/team-config.js';

/** How an approval goes without a ledger, for refusals. */
export const BY_FILE =
  'approve by file instead: handrail plan RUNBOOK --env ENV [--input …] --out plan.txt, give plan.txt to an approver who runs handrail approve plan.txt --key ~/.ssh/id_ed25519, then run with --approval plan.txt.sig';

export interface ApprovalLedger {
  client: LedgerClient;
  place: string;
  url: string;
  close(): Promise<void>;
}

/** `unchanged` ends each refusal: what was not done ("nothing was posted"). */
export async function openApprovalLedger(settings: Settings, purpose: string, unchanged: string, env: NodeJS.ProcessEnv = process.env): Promise<ApprovalLedger> {
  const inventory = await loadInventory(resolve(settings.workspace)).catch((error: unknown) => {
    // An approver's machine may have no workspace, only the ledger's address.
    if (env[TEAM_URL_ENV]?.trim()) return {};
    throw error;
  });
  const config = teamConfig(inventory, env);
  if (config === undefined) {
    throw new UserError(
      `no team ledger is configured for the workspace ${settings.workspace}: approval requests travel through it (team: { postgres: URL, password-env: NAME } in handrail.yml, or ${TEAM_URL_ENV} for one machine); ${BY_FILE}; ${unchanged}`,
      2,
    );
  }
  if (config.passwordEnv !== undefined && !config.password) {
    throw new UserError(`the team ledger's password variable ${config.passwordEnv} (team.password-env in handrail.yml) is not set: set it in this shell, then try again; ${unchanged}`, 2);
  }
  let client: LedgerClient;
  try {
    client = await connectLedger(config, purpose);
  } catch (error) {
    throw new UserError(`${describeLedgerFault(config.url, error)}; ${unchanged}. Try again once it answers, or ${BY_FILE}`, 2);
  }
  try {
    const schema = await checkLedgerSchema(client);
    if (schema) throw new UserError(`${schema.message}; ${unchanged}`, 2);
  } catch (error) {
    await client.end().catch(() => undefined);
    if (error instanceof UserError) throw error;
    throw new UserError(`${describeLedgerFault(config.url, error)}; ${unchanged}`, 2);
  }
  return { client, place: ledgerPlace(config.url), url: config.url, close: () => client.end().catch(() => undefined) };
}

/** A failure of a query on an open ledger, worded for the person at the terminal. */
export function approvalLedgerFault(ledger: Pick<ApprovalLedger, 'url'>, error: unknown, unchanged: string): UserError {
  if (error instanceof UserError) return error;
  return new UserError(`${describeLedgerFault(ledger.url, error)}; ${unchanged}`, 2);
}

/** Runs `work` on the approval ledger and closes it; query failures become refusals. */
export async function withApprovalLedger<T>(settings: Settings, purpose: string, unchanged: string, work: (client: LedgerClient) => Promise<T>): Promise<T> {
  const ledger = await openApprovalLedger(settings, purpose, unchanged);
  try {
    return await work(ledger.client);
  } catch (error) {
    throw approvalLedgerFault(ledger, error, unchanged);
  } finally {
    await ledger.close();
  }
}
