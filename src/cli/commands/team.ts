// `handrail team init | status | unlock`: the team ledger on PostgreSQL.
import { resolve } from 'node:path';
import { UserError } from '../../app/errors.js';
import { loadInventory } from '../../app/run-plan.js';
import { resolveSettings } from '../../app/settings.js';
import { teamConfig } from '../../app/team/team-config.js';
import { initTeamLedger } from '../../app/team/team-init.js';
import type { GlobalOptions } from '../global-options.js';
import { print } from '../output.js';

export interface TeamInitFlags {
  adminUrl?: string;
  passwordEnv?: string;
}

export async function teamInitCommand(flags: TeamInitFlags, global: GlobalOptions): Promise<number> {
  const settings = resolveSettings(global);
  const team = flags.adminUrl ? undefined : teamConfig(await loadInventory(resolve(settings.workspace)));
  const url = flags.adminUrl ?? team?.url;
  if (url === undefined) {
    throw new UserError('no team ledger to set up: give --admin-url postgres://admin@host:5432/database, or add team: { postgres: URL } to handrail.yml; nothing was done');
  }
  const passwordEnv = flags.passwordEnv ?? team?.passwordEnv;
  const password = passwordEnv !== undefined ? process.env[passwordEnv] : undefined;
  if (passwordEnv !== undefined && password === undefined) {
    throw new UserError(`the password variable ${passwordEnv} is not set; set it (never put the password in the URL or on the command line); nothing was done`);
  }
  const result = await initTeamLedger({ url, password });
  print(
    result.applied.length > 0
      ? `team ledger ready on ${result.place}: applied ${result.applied.join(', ')}`
      : `team ledger on ${result.place} is up to date; nothing to do`,
  );
  print('roles: handrail_writer (INSERT and SELECT only; operators), handrail_reader (SELECT only; leads, auditors)');
  print('give each person a login in one of them, e.g.:');
  print("  CREATE ROLE alice LOGIN PASSWORD '…' IN ROLE handrail_writer;");
  print("  CREATE ROLE lead LOGIN PASSWORD '…' IN ROLE handrail_writer, handrail_reader;");
  return 0;
}
