// `handrail run … | head -c 200`: the reader of stdout goes away while the run prints. The
// terminal is not the record: the run goes on to its end, everything is stored, the exit
// status is the run's, and stderr says what happened. A command that only reads stops.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { handrailChild, showRun, type CliOptions } from '../support/handrail-cli.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';

let root: string;
let cli: CliOptions;
let marker: string;

beforeAll(async () => {
  root = await makeTempDir('stdout-closed');
  const workspace = join(root, 'ws');
  marker = join(root, 'marker');
  mkdirSync(workspace);
  writeFileSync(join(workspace, 'handrail.yml'), 'environments:\n  dev:\n    targets: {}\n');
  writeFileSync(
    join(workspace, 'chatty.md'),
    `---\nid: chatty\ntitle: Prints a lot, then finishes\nversion: 1.0.0\n---\n\n## Print\n\n` +
      '```sh {target=local}\nfor i in $(seq 1 20000); do echo "line $i of the chatty step"; done\n```\n\n' +
      `## Finish\n\n\`\`\`sh {target=local}\necho finished > ${marker}\n\`\`\`\n`,
  );
  cli = { dataDir: join(root, 'data'), workspace };
});
afterAll(() => removeDir(root));

/** Runs the CLI, reads `keep` bytes of its stdout, then closes the pipe as `head -c` does. */
function cutAfter(args: string[], keep: number): Promise<{ code: number | null; head: string; stderr: string }> {
  const child = handrailChild(args, cli);
  let head = '';
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout?.on('data', (d: Buffer) => {
    head += d.toString();
    if (head.length >= keep) child.stdout?.destroy();
  });
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, head, stderr })));
}

it('a run whose stdout is closed goes on to its end, stores everything and exits with the run status', async () => {
  const { code, head, stderr } = await cutAfter(['run', 'chatty', '--env', 'dev', '--json'], 200);
  const runId = /"id":"(\d{8}-\d{6}-[0-9a-f]{6})"/.exec(head)?.[1];
  expect(runId).toBeDefined();
  expect(stderr).toMatch(new RegExp(`stdout was closed .*run ${runId} goes on and everything is still stored: handrail show ${runId}`));
  expect(code).toBe(0);
  expect(readFileSync(marker, 'utf8')).toBe('finished\n');
  const shown = showRun(runId ?? '', cli);
  expect(shown.run.status).toBe('succeeded');
  expect(shown.steps[0]?.output).toContain('line 20000 of the chatty step');
});

it('a command that only reads stops at a closed pipe, with the status of SIGPIPE rather than 0', async () => {
  const { code, head } = await cutAfter(['run', 'chatty', '--env', 'dev', '--json'], 200);
  expect(code).toBe(0);
  const runId = /"id":"(\d{8}-\d{6}-[0-9a-f]{6})"/.exec(head)?.[1] ?? '';
  // `show` prints the step's 20,000 lines (far more than a pipe holds) after the reader left.
  const shown = await cutAfter(['show', runId], 100);
  expect(shown.code).toBe(141);
  expect(shown.stderr).toBe('');
});
