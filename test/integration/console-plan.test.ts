// The console's plan (planRun): the same plan and id as `handrail plan` for the same choices,
// a refusal in the run's own words, only runbooks of the workspace by id, and nothing
// recorded or created.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleService } from '../../src/app/console/console-service.js';
import { handrail } from '../support/handrail-cli.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';
import { apiErrorOf, settingsFor } from './console-support.js';

let dataDir: string;
let service: ConsoleService;

beforeAll(async () => {
  dataDir = await makeTempDir('console-plan');
  service = new ConsoleService(settingsFor(dataDir));
});

afterAll(async () => {
  await service.close();
  await removeDir(dataDir);
});

describe('planRun', () => {
  it('gives the plan handrail plan gives, and records nothing', async () => {
    const events = (await service.appInfo({})).audit.events;
    const { id, text, plan } = await service.planRun({ runbook: 'reset-pilot', environment: 'local-demo', inputs: { pilot: 'pilot-9' } });
    expect(plan.steps.map((s) => s.kind)).toEqual(['sh', 'sql', 'sql', 'sql', 'manual']);
    expect(text).toContain('    :pilot = "pilot-9"');
    const cli = handrail(['plan', 'reset-pilot', '--env', 'local-demo', '--input', 'pilot=pilot-9', '--json'], { dataDir });
    expect(JSON.parse(cli.stdout)).toMatchObject({ id, text });
    expect((await service.appInfo({})).audit.events).toBe(events);
    expect(JSON.parse(handrail(['runs', '--json'], { dataDir }).stdout)).toEqual([]);
  });

  it("refuses what a run would refuse, in the run's words", async () => {
    const error = await apiErrorOf(service.planRun({ runbook: 'reset-pilot', environment: 'production', inputs: {} }));
    expect(error).toEqual({ code: 'refused', message: expect.stringContaining("runbook 'reset-pilot' may only run in pilot, local-demo") });
  });

  it('plans only runbooks of the workspace, by id', async () => {
    const error = await apiErrorOf(service.planRun({ runbook: '../../tmp/elsewhere.md', environment: 'local-demo', inputs: {} }));
    expect(error.code).toBe('not-found');
    expect(error.message).toContain('is not a runbook id');
  });
});
