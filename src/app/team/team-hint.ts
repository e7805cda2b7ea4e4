// Whether a team ledger may be configured, without loading the inventory's parser or the
// ledger's PostgreSQL client: reading commands (`audit verify`) must stay light when there is
// no team. Conservative on purpose: any handrail.yml with a `team` key written anywhere, in any
// YAML style (`team:`, `"team":`, `{team: …}`, even in a comment), goes on to the real check
// (team-config.ts), so a configured team is never missed; only prose that says "team" does not.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { INVENTORY_FILE } from '../../core/inventory/inventory-file.js';
import { TEAM_URL_ENV } from './team-config.js';

export function mayHaveTeam(workspace: string, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env[TEAM_URL_ENV]?.trim()) return true;
  try {
    return /(^|[\s{,"'])team["']?\s*:/m.test(readFileSync(join(workspace, INVENTORY_FILE), 'utf8'));
  } catch {
    // No readable handrail.yml: the real check says what is wrong, if anything.
    return true;
  }
}
