// A run whose process died mid-step (kill -9 of the CLI) is resumed in the console: the step
// that was running is in doubt and waits for the operator's decision, which needs a note to
// mark it done; nothing is re-run blindly.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleService } from '../../src/app/console/console-service.js';
import { onProcessExit } from '../support/exit-cleanup.js';
import { handrailChild } from '../support/handrail-cli.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';
import { apiErrorOf, goAhead, nextPrompt, settingsFor, walk } from './console-support.js';

let root: string;
let workspace: string;
let stepPid: string;
let log: string;

const killStep = () => {
  // The killed CLI leaves its step's `sleep` behind (it ran in its own process group).
  if (!existsSync(stepPid)) return;
  try {
    process.kill(-Number(readFileSync(stepPid, 'utf8')), 'SIGKILL');
  } catch {
    // already gone
  }
};

beforeAll(async () => {
  root = await makeTempDir('console-resume');
  workspace = join(root, 'ws');
  stepPid = join(root, 'step.pid');
  log = join(root, 'log');
  mkdirSync(workspace);
  writeFileSync(join(workspace, 'handrail.yml'), 'environments:\n  dev:\n    targets: {}\n');
  writeFileSync(
    join(workspace, 'slow.md'),
    `---
id: slow-then-quick
title: A slow step, then a quick one
version: 1.0.0
---

## Slow work

\`\`\`sh {target=local}
echo $$ > ${stepPid}
echo slow-start >> ${log}
echo started
sleep 30
echo slow-end >> ${log}
\`\`\`

## Quick work

\`\`\`sh {target=local}
echo quick >> ${log}
\`\`\`
`,
  );
});
const unregister = onProcessExit(killStep);
afterAll(async () => {
  killStep();
  unregister();
  await removeDir(root);
});

/** Starts the run with the CLI and kill -9s it once the slow step is running; returns the run id. */
async function crashMidStep(dataDir: string): Promise<string> {
  const child = handrailChild(['run', 'slow-then-quick', '--env', 'dev'], { dataDir, workspace });
  let stdout = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (/^started$/m.test(stdout)) resolve();
    });
    child.once('exit', () => reject(new Error(`the CLI ended before the step started:\n${stdout}`)));
  });
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  const id = /Run (\S+):/.exec(stdout)?.[1];
  if (!id) throw new Error(`no run id printed: ${stdout}`);
  return id;
}

describe('resuming an interrupted run in the console', () => {
  it('asks about the in-doubt step, needs a note to mark it done, then goes on', async () => {
    const dataDir = join(root, 'data');
    const runId = await crashMidStep(dataDir);
    killStep();
    const service = new ConsoleService(settingsFor(dataDir, { workspace }));
    try {
      const stopped = await service.getRun({ runId });
      expect(stopped.run.status).toBe('interrupted');
      expect(stopped.steps.map((s) => s.status)).toEqual(['in-doubt', 'pending']);
      expect(stopped.deviations.map((d) => d.kind)).toEqual(['in-doubt']);

      await service.resumeRun({ runId, inputs: {} });
      const asked = await nextPrompt(service, runId);
      expect(asked.prompt).toEqual({ kind: 'in-doubt', idx: 0 });
      expect(asked.run.status).toBe('running');

      const noNote = await apiErrorOf(service.decide({ runId, idx: 0, decision: { action: 'done' } }));
      expect(noNote.message).toBe('marking an in-doubt step done needs a note saying what you checked; step 1 is still waiting; nothing was changed');
      await service.decide({ runId, idx: 0, decision: { action: 'done', note: 'checked: the slow work had finished' } });

      const { prompts, detail } = await walk(service, runId, goAhead);
      expect(prompts).toEqual([{ kind: 'before-step', idx: 1 }]);
      expect(detail.run.status).toBe('succeeded');
      expect(detail.steps[0]).toMatchObject({ status: 'succeeded', note: 'checked: the slow work had finished', attempt: 1 });
      // The slow step was not run again; the quick one ran once.
      expect(readFileSync(log, 'utf8').trim().split('\n')).toEqual(['slow-start', 'quick']);
      expect(detail.deviations.map((d) => d.text)).toContain('in doubt after a crash; decided: done (checked: the slow work had finished)');

      const again = await apiErrorOf(service.resumeRun({ runId, inputs: {} }));
      expect(again.message).toBe(`run ${runId} is succeeded; only an interrupted or failed run can be resumed; nothing was executed`);
    } finally {
      await service.close();
    }
  });

  it('notices a CLI run that died while the console was open, and offers to resume it', async () => {
    const dataDir = join(root, 'data-open');
    const service = new ConsoleService(settingsFor(dataDir, { workspace }));
    try {
      const runId = await crashMidStep(dataDir);
      killStep();
      const { runs } = await service.listRuns({ offset: 0, limit: 10 });
      expect(runs.find((r) => r.id === runId)?.status).toBe('interrupted');
      expect((await service.getRun({ runId })).steps.map((s) => s.status)).toEqual(['in-doubt', 'pending']);
    } finally {
      await service.close();
    }
  });

  it('aborts an interrupted run from the console; it cannot be resumed after that', async () => {
    const dataDir = join(root, 'data-abort');
    const runId = await crashMidStep(dataDir);
    killStep();
    const service = new ConsoleService(settingsFor(dataDir, { workspace }));
    try {
      await service.abortRun({ runId });
      const aborted = await service.getRun({ runId });
      expect(aborted.run.status).toBe('aborted');
      expect(aborted.run.finishedAt).not.toBeNull();
      const refused = await apiErrorOf(service.resumeRun({ runId, inputs: {} }));
      expect(refused.code).toBe('refused');
    } finally {
      await service.close();
    }
  });
});
