/**
 * A team for the lead's tests: a real ledger, a workspace whose handrail.yml names it, two
 * data folders that are two machines (operators ana and bob) each running a real runbook,
 * their trails shipped by their own outbox, and a third data folder for the lead, logged in
 * with handrail_reader only.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { handrail, runIdOf, type CliOptions } from './handrail-cli.js';
import { startTestLedger, teamYaml, type TestLedger } from './team-ledger.js';

export interface TestTeam {
  ledger: TestLedger;
  workspace: string;
  machineA: CliOptions;
  machineB: CliOptions;
  lead: CliOptions;
  /** Machine A's run of `prints` (succeeded; its output has "the quokka-7 canary sang"). */
  printer: string;
  /** Machine B's run of `fails` (failed, exit code 3). */
  failer: string;
  machineIdA: string;
  machineIdB: string;
}

export async function startTestTeam(root: string): Promise<TestTeam> {
  const ledger = await startTestLedger(root, { ana: 'operator', bob: 'operator', lead: 'lead' });
  // The lead reads: handrail_reader only, no INSERT anywhere.
  await ledger.pg.psql('REVOKE handrail_writer FROM lead;');
  const workspace = join(root, 'ws');
  mkdirSync(workspace);
  const dbPath = join(root, 'app.db');
  const db = new Database(dbPath);
  db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO t (name) VALUES ('a');");
  db.close();
  writeFileSync(join(workspace, 'handrail.yml'), `environments:\n  dev:\n    targets:\n      db: { sqlite: ${JSON.stringify(dbPath)} }\n${teamYaml(ledger)}`);
  const runbook = (id: string, body: string) =>
    writeFileSync(join(workspace, `${id}.md`), `---\nid: ${id}\ntitle: ${id} for the team\nversion: 1.0.0\nenvironments: [dev]\n---\n\n# ${id}\n\n${body}`);
  runbook('prints', '## Print a canary\n\n```sh {target=local}\necho "the quokka-7 canary sang"\n```\n');
  runbook('fails', '## Fail on purpose\n\n```sh {target=local}\necho nothing to see; exit 3\n```\n');
  const machineA = { dataDir: join(root, 'machine-a'), workspace, env: { HANDRAIL_OPERATOR: 'ana', ...ledger.env('ana') } };
  const machineB = { dataDir: join(root, 'machine-b'), workspace, env: { HANDRAIL_OPERATOR: 'bob', ...ledger.env('bob') } };
  const lead = { dataDir: join(root, 'lead'), workspace, env: { HANDRAIL_OPERATOR: 'lea', ...ledger.env('lead') } };
  const first = handrail(['run', 'prints', '--env', 'dev'], machineA);
  if (first.code !== 0) throw new Error(`machine A's run failed: ${first.stderr}`);
  const second = handrail(['run', 'fails', '--env', 'dev'], machineB);
  if (second.code !== 1) throw new Error(`machine B's run should fail its step: ${second.stderr}`);
  // Each run shipped as it went and at its end; `team ship` confirms nothing is left waiting.
  for (const machine of [machineA, machineB]) {
    const shipped = handrail(['team', 'ship'], machine);
    if (shipped.code !== 0) throw new Error(`team ship failed: ${shipped.stdout}${shipped.stderr}`);
  }
  const machineIdA = machineIdOf(machineA.dataDir);
  const machineIdB = machineIdOf(machineB.dataDir);
  return { ledger, workspace, machineA, machineB, lead, printer: runIdOf(first.stdout), failer: runIdOf(second.stdout), machineIdA, machineIdB };
}

/** The machine id the data folder's outbox registered under. */
function machineIdOf(dataDir: string): string {
  const db = new Database(join(dataDir, 'handrail.db'), { readonly: true });
  try {
    return db.prepare('SELECT machine_id FROM team_machine').pluck().get() as string;
  } finally {
    db.close();
  }
}
