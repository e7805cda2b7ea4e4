// Approvals in the console: the set-up screen's plan is what the approver signs, and the
// operator pastes the approval an approver sent (the PLAN.sig text). Without one, a start in
// an environment that requires approval is refused, saying where to give it; with one from
// someone else, the run starts. Real keys (ssh-keygen), the real console service.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleService } from '../../src/app/console/console-service.js';
import { approverSigner, readPlanToApprove, writeApproval } from '../../src/app/approve-plan.js';
import { makeKey } from '../support/ssh-keys.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';
import { apiErrorOf, goAhead, settingsFor, walk } from './console-support.js';

let root: string;
let service: ConsoleService;
let aliceKey: string;

beforeAll(async () => {
  root = await makeTempDir('console-approval');
  const ws = join(root, 'ws');
  mkdirSync(ws);
  aliceKey = await makeKey(root, 'alice');
  writeFileSync(join(ws, 'allowed_signers'), `alice@example.com ${readFileSync(`${aliceKey}.pub`, 'utf8').trim()}\n`);
  writeFileSync(join(ws, 'handrail.yml'), 'environments:\n  prod:\n    approval:\n      required: true\n      approvers: ./allowed_signers\n    targets: {}\n');
  writeFileSync(join(ws, 'hi.md'), '---\nid: hi\ntitle: Hi\nversion: 1.0.0\nenvironments: [prod]\n---\n\n# Hi\n\n## Say\n\n```sh {target=local}\necho hi\n```\n');
  service = new ConsoleService(settingsFor(join(root, 'data'), { workspace: ws, operator: 'tester' }));
});

afterAll(async () => {
  await service.close();
  await removeDir(root);
});

describe('approvals in the console', () => {
  it('refuses a start without an approval, saying to paste one, and starts with one signed by someone else', async () => {
    const refused = await apiErrorOf(service.startRun({ runbook: 'hi', environment: 'prod', inputs: {} }));
    expect(refused.message).toMatch(/prod requires an approval .*paste .* Approval field/);

    const { text } = await service.planRun({ runbook: 'hi', environment: 'prod', inputs: {} });
    const planPath = join(root, 'plan.txt');
    writeFileSync(planPath, text);
    const sig = await writeApproval(await readPlanToApprove(planPath), 'alice@example.com', await approverSigner(aliceKey, undefined), undefined);

    const { runId } = await service.startRun({ runbook: 'hi', environment: 'prod', inputs: {}, approval: readFileSync(sig, 'utf8') });
    const { detail } = await walk(service, runId, goAhead);
    expect(detail.run.status).toBe('succeeded');
  });

  it('starts without an approval only by break-glass typed on the set-up screen, recorded as a deviation that names the waiver and the reason', async () => {
    const weak = await apiErrorOf(service.startRun({ runbook: 'hi', environment: 'prod', inputs: {}, breakGlass: 'x' }));
    expect(weak.message).toMatch(/break-glass reason is too short/);

    const { runId } = await service.startRun({ runbook: 'hi', environment: 'prod', inputs: {}, breakGlass: 'INC-7: approver unreachable, primary down' });
    const { detail } = await walk(service, runId, goAhead);
    expect(detail.run.status).toBe('succeeded');
    expect(detail.deviations.map((d) => d.text).join('\n')).toContain('ran without the approval this environment requires');
    expect(detail.deviations.map((d) => d.text).join('\n')).toContain('INC-7: approver unreachable, primary down');
  });
});
