// A crash (kill -9 of the CLI) in the middle of a step, then `resume`: the run goes on at
// the right step, never re-runs a step that succeeded, and never re-runs a step that was
// running (in doubt) unless it is idempotent or the operator decides so.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { handrail, handrailChild, showRun, type CliOptions } from '../support/handrail-cli.js';
import { until } from '../support/until.js';

const root = mkdtempSync(join(tmpdir(), 'handrail-resume-'));
const workspace = join(root, 'ws');
const log = join(root, 'log');
const stepPid = join(root, 'step.pid');
mkdirSync(workspace);
// STEP_TWO_SLEEP reaches steps only because the inventory passes it on (steps get a minimal environment).
writeFileSync(join(workspace, 'handrail.yml'), 'environments:\n  dev:\n    pass-env: [STEP_TWO_SLEEP]\n    targets: {}\n');

const script = (idempotent: boolean) => `---
id: three-steps-${idempotent ? 'idem' : 'plain'}
title: Three steps
version: 1.0.0
---

## One

\`\`\`sh {target=local}
echo one >> ${log}
\`\`\`

## Two, slow

\`\`\`sh {target=local${idempotent ? ' idempotent' : ''}}
echo $$ > ${stepPid}
echo two-start >> ${log}
sleep "\${STEP_TWO_SLEEP:-30}"
echo two-end >> ${log}
\`\`\`

## Three

\`\`\`sh {target=local}
echo three >> ${log}
\`\`\`
`;
writeFileSync(join(workspace, 'plain.md'), script(false));
writeFileSync(join(workspace, 'idem.md'), script(true));

afterEach(() => {
  // The killed CLI leaves its step's `sleep` behind (it ran in its own process group).
  if (existsSync(stepPid)) {
    try {
      process.kill(-Number(readFileSync(stepPid, 'utf8')), 'SIGKILL');
    } catch {
      // already gone
    }
  }
  rmSync(stepPid, { force: true });
  rmSync(log, { force: true });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const lines = () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []);

/** Starts a run and kill -9s the CLI once step two has started; returns the run id. */
async function crashDuringStepTwo(cli: CliOptions, runbook: string): Promise<string> {
  const child = handrailChild(['run', runbook, '--env', 'dev'], cli);
  let stdout = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  await until('step two started', () => lines().includes('two-start'), 400);
  expect(lines()).toEqual(['one', 'two-start']);
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  const id = /Run (\S+):/.exec(stdout)?.[1];
  if (!id) throw new Error(`no run id printed: ${stdout}`);
  return id;
}

describe('crash and resume', () => {
  it('shows the crashed run as interrupted, with the running step in doubt', async () => {
    const cli = { dataDir: join(root, 'data-a'), workspace };
    const id = await crashDuringStepTwo(cli, 'plain.md');
    const shown = showRun(id, cli);
    expect(shown.run.status).toBe('interrupted');
    expect(shown.steps.map((s) => s.status)).toEqual(['succeeded', 'in-doubt', 'pending']);
  });

  it('does not re-run a non-idempotent in-doubt step without a decision', async () => {
    const cli = { dataDir: join(root, 'data-b'), workspace };
    const id = await crashDuringStepTwo(cli, 'plain.md');
    // The crashed CLI's step two is still running: named, and left alone until the operator chooses.
    const running = handrail(['resume', id], cli);
    expect(running.code).toBe(2);
    expect(running.stderr).toContain("step 2's command (pid ");
    expect(running.stderr).toContain('is still running from the run that died');
    // Stopped first, then the in-doubt step still waits for a decision.
    const refused = handrail(['resume', id, '--stop-leftover'], cli);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toContain('step 2 (Two, slow) was running when Handrail stopped and is not idempotent');
    expect(refused.stdout).toContain('--retry-in-doubt, --done-in-doubt NOTE or --skip-in-doubt REASON');
    expect(lines()).toEqual(['one', 'two-start']);

    const resumed = handrail(['resume', id, '--done-in-doubt', 'checked: two had finished its work'], cli);
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
    // Step one is not run again; step two is settled by the note; step three runs once.
    expect(lines()).toEqual(['one', 'two-start', 'three']);
    const shown = showRun(id, cli);
    expect(shown.run.status).toBe('succeeded');
    expect(shown.steps.map((s) => [s.status, s.attempt])).toEqual([
      ['succeeded', 1],
      ['succeeded', 1],
      ['succeeded', 1],
    ]);
    expect(shown.steps[1]?.note).toBe('checked: two had finished its work');
  });

  it('retries an idempotent in-doubt step by itself, and only that step', async () => {
    const cli = { dataDir: join(root, 'data-c'), workspace };
    const id = await crashDuringStepTwo(cli, 'idem.md');
    // Edit the runbook on disk: the run is bound to the bytes it started with and ignores this.
    writeFileSync(join(workspace, 'idem.md'), script(true).replace('echo three', 'echo EDITED'));
    // The crashed CLI's copy of step two is stopped first: never two copies at once.
    const resumed = handrail(['resume', id, '--stop-leftover'], { ...cli, env: { STEP_TWO_SLEEP: '0' } });
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
    expect(lines()).toEqual(['one', 'two-start', 'two-start', 'two-end', 'three']);
    writeFileSync(join(workspace, 'idem.md'), script(true));
    expect(showRun(id, cli).steps.map((s) => s.attempt)).toEqual([1, 2, 1]);
  });
});
