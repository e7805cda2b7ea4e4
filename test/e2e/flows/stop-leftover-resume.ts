// A run dies mid-step (kill -9 of the CLI) while its step's command goes on running. In the
// console, "Resume run" is refused, and the page shows what still runs — the step, where,
// its process group, since when and its command — before it offers "Stop it and resume";
// once stopped, the run's page says what was stopped, and the in-doubt step is asked about.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { openConsole, waitForOutcome, waitForPrompt } from './console-page.js';
import type { Flow } from './flow.js';
import { until } from '../../support/until.js';

const written = (dataDir: string) => join(dataDir, 'written');
const lines = (dataDir: string): string[] => (existsSync(written(dataDir)) ? readFileSync(written(dataDir), 'utf8').trim().split('\n') : []);

/** Whether a live process is left in process group `pgid` (read from /proc, apart from Handrail). */
function groupAlive(pgid: number): boolean {
  return readdirSync('/proc').some((entry) => {
    if (!/^\d+$/.test(entry)) return false;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'latin1');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return Number(fields[2]) === pgid && fields[0] !== 'Z';
    } catch {
      return false;
    }
  });
}

export const stopLeftoverResume: Flow = {
  name: "a resume beside a step still running shows it, then stops it when asked and says so",
  workspace: ({ dataDir }) => ({
    files: {
      'handrail.yml': 'environments:\n  dev:\n    targets: {}\n',
      'writer.md': [
        '---',
        'id: writer',
        'title: Writes for a while',
        'version: 1.0.0',
        '---',
        '',
        '## Write',
        '',
        '```sh {target=local}',
        'i=0',
        `while [ "$i" -lt 6000 ]; do echo "$$ $i" >> ${written(dataDir)}; i=$((i+1)); sleep 0.05; done`,
        '```',
        '',
      ].join('\n'),
    },
  }),
  async prepare(ctx) {
    const child = ctx.cliChild(['run', 'writer', '--env', 'dev']);
    let stdout = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    await until('the step wrote three lines', () => lines(ctx.dataDir).length >= 3);
    child.kill('SIGKILL');
    await exited;
    const runId = /Run (\S+):/.exec(stdout)?.[1];
    if (!runId) throw new Error(`the CLI printed no run id:\n${stdout}`);
    return { runId, leader: lines(ctx.dataDir)[0]?.split(' ')[0] ?? '' };
  },
  async run(page, ctx) {
    const runId = ctx.prepared['runId'] ?? '';
    const leader = Number(ctx.prepared['leader']);
    try {
      await openConsole(page, ctx.url);
      await page.getByRole('link', { name: 'Audit', exact: true }).click();
      await page.getByRole('link', { name: /writer .* Interrupted/ }).click();
      await page.getByRole('link', { name: 'open in the Run view' }).click();
      const resume = page.getByRole('region', { name: 'Resume this run' });
      await resume.getByText('This run was interrupted').waitFor();
      // Nothing offers to stop anything before the page has shown what runs.
      expect(await resume.getByRole('button', { name: 'Stop it and resume' }).count()).toBe(0);
      await resume.getByRole('button', { name: 'Resume run' }).click();

      const refusal = resume.getByRole('alert').filter({ hasText: 'The run was not resumed.' });
      await refusal.waitFor();
      expect(await refusal.innerText()).toMatch(new RegExp(`step 1's command \\(pid ${leader}, started \\d\\d:\\d\\d:\\d\\d\\) is still running from the run that died`));
      const running = resume.getByRole('list', { name: 'Still running from the run that died' });
      const shown = await running.innerText();
      expect(shown).toMatch(new RegExp(`Step 1 “Write” is still running on this machine, \\S+ \\(process group ${leader}\\), since \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d`));
      expect(await running.getByLabel("Step 1's command").innerText()).toContain('while [ "$i" -lt 6000 ]');
      expect(groupAlive(leader)).toBe(true);

      await resume.getByRole('button', { name: 'Stop it and resume' }).click();
      const inDoubt = await waitForPrompt(page, 1);
      expect(groupAlive(leader)).toBe(false);
      const notices = page.getByRole('status', { name: 'Before the run went on' });
      expect(await notices.innerText()).toMatch(new RegExp(`stopped step 1's command \\(pid ${leader}, started \\d\\d:\\d\\d:\\d\\d\\) \\(SIGTERM to its group, SIGKILL after 5 s if needed\\)`));

      await inDoubt.getByLabel('Note').fill('checked: enough was written');
      await inDoubt.getByRole('button', { name: 'Mark done', exact: true }).click();
      await waitForOutcome(page, /This run finished/);
      // Still said once the run is over.
      expect(await notices.innerText()).toContain(`stopped step 1's command (pid ${leader}`);
      expect(new Set(lines(ctx.dataDir).map((l) => l.split(' ')[0]))).toEqual(new Set([String(leader)]));
      const record = JSON.parse(ctx.cli(['show', runId, '--json']).stdout) as { run: { status: string } };
      expect(record.run.status).toBe('succeeded');
    } finally {
      // Stopped by the resume when the flow got that far; otherwise it must not outlive the test.
      if (groupAlive(leader)) process.kill(-leader, 'SIGKILL');
    }
  },
};
