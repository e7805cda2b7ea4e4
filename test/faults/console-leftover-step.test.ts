// A console that finds a CLI run which died mid-step (kill -9) while its step's command still
// runs: resuming it names that command and refuses, unless the operator chooses to stop it;
// then the old group is gone before the in-doubt decision is even asked.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleService } from '../../src/app/console/console-service.js';
import { onProcessExit } from '../support/exit-cleanup.js';
import { handrailChild } from '../support/handrail-cli.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';
import { apiErrorOf, goAhead, nextPrompt, settingsFor, walk } from '../integration/console-support.js';
import { until } from '../support/until.js';

let root: string;
let workspace: string;
let written: string;
let leader: number | undefined;

const killLeftover = () => {
  if (leader === undefined) return;
  try {
    process.kill(-leader, 'SIGKILL');
  } catch {
    // already gone
  }
};
const unregister = onProcessExit(killLeftover);

beforeAll(async () => {
  root = await makeTempDir('console-leftover');
  workspace = join(root, 'ws');
  written = join(root, 'written');
  mkdirSync(workspace);
  writeFileSync(join(workspace, 'handrail.yml'), 'environments:\n  dev:\n    targets: {}\n');
  writeFileSync(
    join(workspace, 'writer.md'),
    `---
id: writer
title: Writes for a while
version: 1.0.0
---

## Write

\`\`\`sh {target=local}
i=0
while [ "$i" -lt 600 ]; do echo "$$ $i" >> ${written}; i=$((i+1)); sleep 0.05; done
\`\`\`
`,
  );
});
afterAll(async () => {
  killLeftover();
  unregister();
  await removeDir(root);
});

const lines = (): string[] => (existsSync(written) ? readFileSync(written, 'utf8').trim().split('\n') : []);

function groupAlive(pgid: number): boolean {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'latin1');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') return true;
    } catch {
      // gone meanwhile
    }
  }
  return false;
}

describe('a console resuming a CLI run that died mid-step', () => {
  it("names the step's command still running, refuses beside it, and stops it when asked", async () => {
    const dataDir = join(root, 'data');
    const child = handrailChild(['run', 'writer', '--env', 'dev'], { dataDir, workspace });
    let stdout = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise((r) => child.once('exit', r));
    await until('the step wrote three lines', () => lines().length >= 3);
    leader = Number(lines()[0]?.split(' ')[0]);
    child.kill('SIGKILL');
    await exited;
    const runId = /Run (\S+):/.exec(stdout)?.[1] ?? '';

    const service = new ConsoleService(settingsFor(dataDir, { workspace }));
    try {
      const noticed = await service.getRun({ runId });
      expect(noticed.steps.map((s) => s.status)).toEqual(['in-doubt']);
      // Reported where the reviewer looks, as soon as the console notices the dead run.
      expect(noticed.deviations.map((d) => d.text)).toContainEqual(
        expect.stringMatching(new RegExp(`^step 1's command \\(pid ${leader}, started \\d\\d:\\d\\d:\\d\\d\\) is still running from the run that died`)),
      );
      const refused = await apiErrorOf(service.resumeRun({ runId, inputs: {} }));
      expect(refused.message).toMatch(new RegExp(`^step 1's command \\(pid ${leader}, started \\d\\d:\\d\\d:\\d\\d\\) is still running from the run that died`));
      expect(refused.message).toContain('nothing was executed');
      // What the page shows before it offers "Stop it and resume": where, which group, since when, which step, what command.
      expect(refused.leftovers).toEqual([
        expect.objectContaining({ idx: 0, remote: false, pid: leader, command: expect.stringContaining('while [ "$i" -lt 600 ]') as unknown as string }),
      ]);
      expect(refused.leftovers?.[0]?.host).toBeTruthy();
      expect(groupAlive(leader)).toBe(true);

      await service.resumeRun({ runId, inputs: {}, stopLeftovers: true });
      const asked = await nextPrompt(service, runId);
      expect(asked.prompt).toEqual({ kind: 'in-doubt', idx: 0 });
      expect(groupAlive(leader)).toBe(false);
      // The run's page says what was stopped, as the CLI does.
      expect(asked.notices).toEqual([expect.stringMatching(new RegExp(`^stopped step 1's command \\(pid ${leader}, started \\d\\d:\\d\\d:\\d\\d\\) \\(SIGTERM to its group`))]);
      await service.decide({ runId, idx: 0, decision: { action: 'done', note: 'checked: enough was written' } });
      const { detail } = await walk(service, runId, goAhead);
      expect(detail.run.status).toBe('succeeded');
      expect(detail.deviations.map((d) => d.text)).toContain(`its command from the run that died (pid ${leader}) was stopped before the run went on`);
      expect(new Set(lines().map((l) => l.split(' ')[0]))).toEqual(new Set([String(leader)]));
    } finally {
      await service.close();
    }
  });
});
