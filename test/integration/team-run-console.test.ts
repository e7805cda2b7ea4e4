// The console's getTeamRun against a real team ledger (PostgreSQL), as `handrail serve` calls
// it for the lead's machine: another machine's run with its machine and output; a run asked
// for on the wrong machine, a ledger that does not answer and output swapped in the ledger
// each come back as what a lead reads, never a stack trace.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toApiError } from '../../src/app/console/api-error.js';
import { ConsoleService } from '../../src/app/console/console-service.js';
import { freePort } from '../support/free-port.js';
import { startTestTeam, type TestTeam } from '../support/team-machines.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';
import { settingsFor } from './console-support.js';

let root: string;
let team: TestTeam;
let service: ConsoleService;
const savedEnv = { ...process.env };

beforeAll(async () => {
  root = await makeTempDir('team-run-console');
  team = await startTestTeam(root);
  // The console reads the ledger's URL and password from its own environment, as `serve` does.
  Object.assign(process.env, team.lead.env);
  service = new ConsoleService(settingsFor(team.lead.dataDir, { workspace: team.workspace, operator: 'lea' }));
}, 120_000);

afterAll(async () => {
  await service?.close();
  process.env = savedEnv;
  await team?.ledger.pg.stop();
  if (root) await removeDir(root);
});

async function refusal(call: Promise<unknown>): Promise<{ code: string; message: string }> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'the call should have been refused').toBeDefined();
  return toApiError(error, 'getTeamRun');
}

describe("the console's getTeamRun", () => {
  it("reads another machine's run with its machine, steps, output and a clean check", async () => {
    const view = await service.getTeamRun({ machineId: team.machineIdA, runId: team.printer });
    expect(view.machine.id).toBe(team.machineIdA);
    expect(view.run).toMatchObject({ id: team.printer, operator: 'ana', status: 'succeeded' });
    expect(view.stepTexts[0]).toMatchObject({ title: 'Print a canary', command: 'echo "the quokka-7 canary sang"' });
    expect(view.outputs).toEqual([{ idx: 0, attempt: 1, text: 'the quokka-7 canary sang\n', omitted: 0 }]);
    expect(view.problems).toEqual([]);
    expect(view.checked.events).toBeGreaterThan(0);
  });

  it('refuses a run asked for on a machine that did not run it, naming both', async () => {
    const { code, message } = await refusal(service.getTeamRun({ machineId: team.machineIdB, runId: team.printer }));
    expect(code).not.toBe('failed');
    expect(message).toContain(team.printer);
    expect(message).toContain(team.machineIdB);
    expect(message).toMatch(/nothing was read/);
  });

  it('names output swapped in the ledger as not verifying, and still shows what the ledger holds', async () => {
    await team.ledger.pg.psql(
      `SET session_replication_role = replica;
       UPDATE handrail.step_output SET data = (SELECT data FROM handrail.step_output WHERE run_id = '${team.failer}' LIMIT 1)
        WHERE run_id = '${team.printer}';`,
      { database: team.ledger.database },
    );
    const view = await service.getTeamRun({ machineId: team.machineIdA, runId: team.printer });
    expect(view.outputs[0]?.text).toContain('nothing to see');
    expect(view.problems.join('\n')).toMatch(/chunk \d+ of step 1's output \(attempt 1\).* was edited/);
  });

  it('names output deleted from the ledger as missing, though nothing left is wrong', async () => {
    await team.ledger.pg.psql(
      `SET session_replication_role = replica;
       DELETE FROM handrail.step_output WHERE run_id = '${team.failer}';`,
      { database: team.ledger.database },
    );
    const view = await service.getTeamRun({ machineId: team.machineIdB, runId: team.failer });
    expect(view.problems.join('\n')).toMatch(/chunk \d+ of step 1's output \(attempt 1\) is missing from the ledger/);
  });

  it('says which ledger does not answer, and that nothing was read', async () => {
    const port = await freePort();
    const url = process.env.HANDRAIL_TEAM_URL;
    process.env.HANDRAIL_TEAM_URL = `postgres://lead@127.0.0.1:${port}/ledger`;
    try {
      const { code, message } = await refusal(service.getTeamRun({ machineId: team.machineIdA, runId: team.printer }));
      expect(code).not.toBe('failed');
      expect(message).toContain(`127.0.0.1:${port}/ledger`);
      expect(message).toMatch(/nothing was read/);
      expect(message).not.toMatch(/\n\s+at /);
    } finally {
      process.env.HANDRAIL_TEAM_URL = url;
    }
  });
});
