// Whether a team ledger may be configured, without loading the inventory's parser or the
// ledger's PostgreSQL client: reading commands (`audit verify`) must stay light when there is
// no team. Conservative on purpose: any handrail.yml that mentions "team" anywhere goes on to
// the real check (team-config.ts), so a team written in any YAML style is never missed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { INVENTORY_FILE } from '../../core/inventory/inventory-file.js';
import { TEAM_URL_ENV } from './team-config.js';

export function mayHaveTeam(workspace: string, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env[TEAM_URL_ENV]?.trim()) return true;
  try {
    return readFileSync(join(workspace, INVENTORY_FILE), 'utf8').toLowerCase().includes('team');
  } catch {
    // No readable handrail.yml: the real check says what is wrong, if anything.
    return true;
  }
}
