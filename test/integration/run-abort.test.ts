// Ctrl-C (SIGINT) without a terminal aborts the run cleanly: the running step's whole
// process group is stopped and the run is recorded as aborted.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { handrailChild, showRun } from '../support/handrail-cli.js';
import { poll, until } from '../support/until.js';

const root = mkdtempSync(join(tmpdir(), 'handrail-abort-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

it('stops the running step and records the run as aborted on Ctrl-C', async () => {
  const workspace = join(root, 'ws');
  mkdirSync(workspace);
  writeFileSync(join(workspace, 'handrail.yml'), 'environments:\n  dev:\n    targets: {}\n');
  const pidFile = join(root, 'sleeper.pid');
  writeFileSync(
    join(workspace, 'slow.md'),
    `---\nid: slow\ntitle: Slow\nversion: 1.0.0\n---\n\n## Sleep\n\n\`\`\`sh {target=local}\nsleep 300 &\necho $! > ${pidFile}\nwait\n\`\`\`\n\n## Never\n\nNot reached.\n`,
  );
  const cli = { dataDir: join(root, 'data'), workspace };
  const child = handrailChild(['run', 'slow', '--env', 'dev', '--yes'], cli);
  let stdout = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  await until('the step wrote its pid file', () => existsSync(pidFile), 400);
  const sleeper = Number(readFileSync(pidFile, 'utf8'));
  child.kill('SIGINT');
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  expect(code).toBe(1);
  expect(stdout).toContain('ABORTED at step 1');
  const alive = () => {
    try {
      process.kill(sleeper, 0);
      return !readFileSync(`/proc/${sleeper}/stat`, 'utf8').split(' ')[2]?.startsWith('Z');
    } catch {
      return false;
    }
  };
  await poll(() => !alive(), 200);
  expect(alive()).toBe(false);
  const shown = showRun(/Run (\S+):/.exec(stdout)?.[1] ?? '', cli);
  expect(shown.run.status).toBe('aborted');
  expect(shown.steps.map((s) => s.status)).toEqual(['failed', 'pending']);
  expect(shown.steps[0]?.reason).toBe('aborted by the operator; the command was stopped');
});
