// `handrail team init | status | unlock`: the team ledger on PostgreSQL.
import { resolve } from 'node:path';
import { UserError } from '../../app/errors.js';
import { loadInventory } from '../../app/run-plan.js';
import { resolveSettings } from '../../app/settings.js';
import { teamConfig } from '../../app/team/team-config.js';
import { initTeamLedger } from '../../app/team/team-init.js';
import { TeamService } from '../../app/team/team-service.js';
import type { GlobalOptions } from '../global-options.js';
import { fail, print } from '../output.js';

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
  print("       handrail_lead (may release another machine's team lock with team unlock; leads)");
  print('give each person a login in one of them, e.g.:');
  print("  CREATE ROLE alice LOGIN PASSWORD '…' IN ROLE handrail_writer;");
  print("  CREATE ROLE lead LOGIN PASSWORD '…' IN ROLE handrail_writer, handrail_reader, handrail_lead;");
  return 0;
}

export async function teamStatusCommand(options: { json?: boolean }, global: GlobalOptions): Promise<number> {
  const service = new TeamService(resolveSettings(global));
  try {
    const status = await service.status();
    if (options.json) {
      print(JSON.stringify(status, null, 2));
      return status.reachable ? 0 : 1;
    }
    print(`team ledger: ${status.ledger} (from ${status.source}): ${status.reachable ? 'reachable' : 'NOT reachable'}`);
    print(`this machine: ${status.machine.machineId} (${status.machine.hostname}), key ${status.machine.fingerprint}`);
    if (status.registration) {
      print(
        status.registration.status === 'key-mismatch'
          ? `  key REFUSED by the ledger: this machine is pinned to ${status.registration.pinnedFingerprint} since ${status.registration.registeredAt}`
          : `  key pinned in the ledger since ${status.registration.registeredAt}`,
      );
    }
    print(`events: ${status.localSeq} here, ${status.ledgerSeq} in the ledger${status.reachable ? '' : ' (last known)'}: ${status.waiting} waiting to ship`);
    if (status.problem) print(`problem: ${status.problem}`);
    if (status.shipped.lastError && status.shipped.lastError !== status.problem) print(`last failure to ship (${status.shipped.lastErrorAt}): ${status.shipped.lastError}`);
    for (const lock of status.heldLocks) {
      print(`held lock ${lock.lockId}: ${lock.target ?? ''} ${lock.lockKey} by ${lock.activity} of ${lock.operator} on ${lock.hostname} since ${lock.since}`);
    }
    if (status.keyIncidents > 0) print(`key incidents: ${status.keyIncidents} (a machine came back with another key; see handrail.key_incidents)`);
    return status.reachable ? 0 : 1;
  } finally {
    service.close();
  }
}

export async function teamShipCommand(global: GlobalOptions): Promise<number> {
  const service = new TeamService(resolveSettings(global));
  try {
    const report = await service.ship();
    if (report.problem) {
      fail(`${report.problem}; ${report.localSeq - report.ledgerSeq} events wait to ship (they stay here and are tried again)`);
      return 1;
    }
    print(`shipped ${report.shipped} events; the ledger holds this machine's trail up to seq ${report.ledgerSeq}`);
    // The shipment went through; a lock it could not let go of is the operator's to hear, as at a run's end.
    for (const note of report.keptLocks ?? []) fail(note);
    return 0;
  } finally {
    service.close();
  }
}

export async function teamUnlockCommand(ref: string, options: { note: string }, global: GlobalOptions): Promise<number> {
  const service = new TeamService(resolveSettings(global));
  try {
    const lock = await service.unlock(ref, options.note);
    print(`released team lock ${lock.lockId} on ${lock.target ?? lock.lockKey} (${lock.lockKey}), held by ${lock.activity} of ${lock.operator} on ${lock.hostname} since ${lock.since}`);
    print('recorded in this trail (team.unlocked) and in the ledger, with your note');
    return 0;
  } finally {
    service.close();
  }
}
