// A run dies mid-step (kill -9 of the CLI driving it). The console shows it interrupted
// with the running step in doubt; the operator resumes it, says what they checked, marks
// the step done, and the run finishes without re-running anything.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { answer, openConsole, waitForOutcome, waitForPrompt } from './console-page.js';
import type { Flow } from './flow.js';
import { until } from '../../support/until.js';

const NOTE = 'checked the marker file: step two had written it';

export const resumeInterrupted: Flow = {
  name: 'an interrupted run is resumed and its in-doubt step decided',
  workspace: ({ dataDir }) => ({
    files: {
      'handrail.yml': 'environments:\n  dev:\n    targets: {}\n',
      'two-phase.md': [
        '---',
        'id: two-phase',
        'title: Two-phase switch',
        'version: 1.0.0',
        '---',
        '',
        '## Prepare',
        '',
        '```sh {target=local}',
        `echo prepared >> ${join(dataDir, 'log')}`,
        '```',
        '',
        '## Switch over',
        '',
        '```sh {target=local}',
        `echo $$ > ${join(dataDir, 'step.pid')}`,
        `echo switch-start >> ${join(dataDir, 'log')}`,
        'sleep 60',
        `echo switch-end >> ${join(dataDir, 'log')}`,
        '```',
        '',
        '## Announce',
        '',
        '```sh {target=local}',
        `echo announced >> ${join(dataDir, 'log')}`,
        '```',
        '',
      ].join('\n'),
    },
  }),
  // The crash happens before the console opens, as when a laptop died mid-run and the
  // operator comes back to it.
  async prepare(ctx) {
    const log = join(ctx.dataDir, 'log');
    const lines = () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []);
    const child = ctx.cliChild(['run', 'two-phase', '--env', 'dev']);
    let stdout = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    try {
      await until('the switch step started', () => lines().includes('switch-start'), 400);
      expect(lines()).toEqual(['prepared', 'switch-start']);
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
    } finally {
      // The killed CLI leaves its step's `sleep` behind, in its own process group.
      const pidFile = join(ctx.dataDir, 'step.pid');
      if (existsSync(pidFile)) {
        try {
          process.kill(-Number(readFileSync(pidFile, 'utf8')), 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    const runId = /Run (\S+):/.exec(stdout)?.[1];
    if (!runId) throw new Error(`the CLI printed no run id:\n${stdout}`);
    return { runId };
  },
  async run(page, ctx) {
    const log = join(ctx.dataDir, 'log');
    const lines = () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []);
    const runId = ctx.prepared['runId'] ?? '';
    await openConsole(page, ctx.url);
    await page.getByRole('link', { name: 'Audit', exact: true }).click();
    await page.getByRole('link', { name: /two-phase .* Interrupted/ }).click();
    await page.getByRole('link', { name: 'open in the Run view' }).click();

    const resume = page.getByRole('region', { name: 'Resume this run' });
    await resume.getByText('This run was interrupted').waitFor();
    expect(await resume.innerText()).toMatch(/Step 2 was running/);
    await ctx.screenshot('run-interrupted');
    await resume.getByRole('button', { name: 'Resume run' }).click();

    const inDoubt = await waitForPrompt(page, 2);
    await inDoubt.getByRole('heading', { name: /In doubt/ }).waitFor();
    const markDone = inDoubt.getByRole('button', { name: 'Mark done', exact: true });
    // Marking an in-doubt step done needs a note saying what was checked.
    expect(await markDone.isDisabled()).toBe(true);
    await inDoubt.getByLabel('Note').fill(NOTE);
    await markDone.click();
    await answer(page, 3, 'Run step');
    await waitForOutcome(page, /This run finished/);

    // Nothing ran twice: step two was settled by the note, step three ran once.
    expect(lines()).toEqual(['prepared', 'switch-start', 'announced']);
    const shown = JSON.parse(ctx.cli(['show', runId, '--json']).stdout) as { run: { status: string }; steps: { status: string; note: string | null }[] };
    expect(shown.run.status).toBe('succeeded');
    expect(shown.steps[1]?.note).toBe(NOTE);
  },
};
