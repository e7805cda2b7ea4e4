// A step whose outcome became unknown during a console run (here: stopped by its timeout
// after it had started its work) is asked about at once, with the reason on the prompt, and
// is not run again until the operator decides.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ConsoleService } from '../../src/app/console/console-service.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';
import { nextPrompt, settingsFor } from './console-support.js';

let root: string;
let workspace: string;
let log: string;

beforeAll(async () => {
  root = await makeTempDir('console-in-doubt');
  workspace = join(root, 'ws');
  log = join(root, 'log');
  mkdirSync(workspace);
  writeFileSync(join(workspace, 'handrail.yml'), 'environments:\n  dev:\n    targets: {}\n');
  writeFileSync(
    join(workspace, 'slow.md'),
    `---\nid: slow\ntitle: Slow\nversion: 1.0.0\n---\n\n## Half a job\n\n\`\`\`sh {target=local timeout=1s}\necho started >> ${log}\nsleep 20\necho finished >> ${log}\n\`\`\`\n`,
  );
});
afterAll(() => removeDir(root));

it('asks about a timed-out step with the reason, and runs nothing until told', async () => {
  const service = new ConsoleService(settingsFor(join(root, 'data'), { workspace }));
  try {
    const { runId } = await service.startRun({ runbook: 'slow', environment: 'dev', inputs: {} });
    expect((await nextPrompt(service, runId)).prompt).toEqual({ kind: 'before-step', idx: 0 });
    await service.decide({ runId, idx: 0, decision: { action: 'run' } });
    const asked = await nextPrompt(service, runId);
    expect(asked.prompt).toMatchObject({ kind: 'in-doubt', idx: 0 });
    expect(asked.prompt?.kind === 'in-doubt' && asked.prompt.reason).toMatch(/timed out after 1000 ms; the command was stopped/);
    expect(asked.steps[0]?.status).toBe('in-doubt');
    expect(existsSync(log) ? readFileSync(log, 'utf8') : '').toBe('started\n');
    await service.decide({ runId, idx: 0, decision: { action: 'skip', reason: 'checked: the half job is harmless' } });
    const ended = await nextPrompt(service, runId);
    expect(ended.run.status).toBe('succeeded');
    expect(ended.verdict).toBe('succeeded-with-deviations');
    expect(readFileSync(log, 'utf8')).toBe('started\n');
  } finally {
    await service.close();
  }
});
