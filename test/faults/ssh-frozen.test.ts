// A host that stops answering while its step runs (sshd frozen with SIGSTOP, as a hung
// machine or a cut network looks from here): the command may have finished, may still run,
// or may have been stopped. The step is recorded in doubt, and a plain resume does not start
// it a second time.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { handrail, handrailChild, runIdOf, showRun, type CliOptions } from '../support/handrail-cli.js';
import { startSshd, type SshdHandle } from '../support/sshd.js';
import { sshTargetSpec } from '../support/ssh-target.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';

let sshd: SshdHandle;
let root: string;
let log: string;
let cli: CliOptions;

beforeAll(async () => {
  sshd = await startSshd();
  root = await makeTempDir('ssh-frozen');
  log = join(root, 'log');
  const workspace = join(root, 'ws');
  mkdirSync(workspace);
  writeFileSync(
    join(workspace, 'handrail.yml'),
    `environments:\n  dev:\n    targets:\n      app: ${sshTargetSpec(sshd, join(root, 'known_hosts'))}\n`,
  );
  writeFileSync(
    join(workspace, 'deploy.md'),
    `---\nid: deploy\ntitle: Deploy on the host\nversion: 1.0.0\n---\n\n## Deploy\n\n\`\`\`sh {target=app}\necho deploy-start >> ${log}\necho started\nsleep 60\necho deploy-end >> ${log}\n\`\`\`\n`,
  );
  cli = { dataDir: join(root, 'data'), workspace };
}, 60_000);

afterAll(async () => {
  sshd?.kill('SIGCONT');
  await sshd?.stop();
  await removeDir(root);
});

it('records the step in doubt when the host freezes mid-step; a plain resume does not run it again', async () => {
  const child = handrailChild(['run', 'deploy', '--env', 'dev', '--accept-host-key', sshd.hostKeyFingerprintSha256], cli);
  let stdout = '';
  child.stdout?.on('data', (d: Buffer) => {
    stdout += d.toString();
    if (/^started$/m.test(stdout)) sshd.kill('SIGSTOP');
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  sshd.kill('SIGCONT');

  expect(code).toBe(2);
  const runId = runIdOf(stdout);
  const shown = showRun(runId, cli);
  expect(shown.run.status).toBe('interrupted');
  expect(shown.steps[0]).toMatchObject({ status: 'in-doubt', attempt: 1 });
  expect(shown.steps[0]?.reason).toMatch(/was lost while the step was running \(no answer to 3 keepalives/);

  const resumed = handrail(['resume', runId], cli);
  expect(resumed.code).toBe(2);
  expect(resumed.stdout).toMatch(/step 1 \(Deploy\) .*--retry-in-doubt/s);
  expect(existsSync(log) ? readFileSync(log, 'utf8') : '').toBe('deploy-start\n');
}, 120_000);
