// `handrail record` as an author uses it, in a copy of the demo workspace: commands piped
// in run for real and become steps; the runbook written validates and runs. `npm test`
// builds dist/ first.
import { cpSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRunbook } from '../../src/core/runbook/parse-runbook.js';
import { BIN, DEMO } from '../support/handrail-cli.js';
import { runCommand } from '../support/run-command.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';

let root: string;
let workspace: string;

beforeAll(async () => {
  root = await makeTempDir('record-cli');
  workspace = join(root, 'workspace');
  cpSync(DEMO, workspace, { recursive: true });
});

afterAll(() => removeDir(root));

/** The CLI in the workspace folder, with `input` on stdin (a pipe: no terminal). */
function handrail(args: string[], input?: string) {
  return runCommand(process.execPath, [BIN, ...args], {
    cwd: workspace,
    env: { ...process.env, HANDRAIL_DATA_DIR: join(root, 'data'), HANDRAIL_WORKSPACE: workspace, HANDRAIL_OPERATOR: 'tester' },
    ...(input === undefined ? {} : { input }),
  });
}

describe('handrail record', () => {
  it('records piped commands into a runbook that validates and runs', async () => {
    const recorded = await handrail(['record', '--env', 'local-demo', '--target', 'app', '--title', 'Probe', '--out', 'X.md'], 'echo one\nhostname\n');
    expect(recorded.code, recorded.stderr).toBe(0);
    // Live output of each command, and its exit code.
    expect(recorded.stdout).toMatch(/^one$/m);
    expect(recorded.stderr).toMatch(/\$ echo one\n {2}exit 0 · \d+ ms · step 1/);
    expect(recorded.stdout).toContain('X.md: valid');

    const file = join(workspace, 'X.md');
    const parsed = parseRunbook('X.md', readFileSync(file));
    expect(parsed.runbook?.frontMatter).toMatchObject({ id: 'probe', version: '1.0.0', environments: ['local-demo'] });
    expect(parsed.runbook?.steps.map((s) => [s.action?.code, s.action?.attributes.target])).toEqual([
      ['echo one', 'app'],
      ['hostname', 'app'],
    ]);

    const validated = await handrail(['validate', 'X.md']);
    expect(validated.code, validated.stdout).toBe(0);
    const run = await handrail(['run', 'X.md', '--env', 'local-demo', '--yes']);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/succeeded/);

    const history = await handrail(['history', 'probe', '--json']);
    expect(history.stdout).toContain('"recorded"');
    const verified = await handrail(['audit', 'verify']);
    expect(verified.code, verified.stdout).toBe(0);
  });

  it('refuses to overwrite a file before running anything', async () => {
    const marker = join(root, 'ran');
    const refused = await handrail(['record', '--env', 'local-demo', '--target', 'app', '--title', 'Again', '--out', 'deploy-release.md'], `touch ${marker}\n`);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/deploy-release\.md already exists; .* nothing was run/);
    expect(existsSync(marker)).toBe(false);
  });

  it('skips blank lines and comments, keeps continued lines whole, and marks destructive commands confirm', async () => {
    const junk = join(root, 'junk');
    // find -delete, not rm -rf: a folder named outright under /tmp (where the test's folder is)
    // is scratch to the detector, while find -delete is flagged wherever it points.
    const script = `# set up\n\nmkdir -p ${junk}/old && \\\n  touch ${junk}/old/a\nfind ${junk}/old -delete\n`;
    // From a pipe nobody can be asked: without --yes the recording stops before the rm runs.
    const held = await handrail(['record', '--env', 'local-demo', '--target', 'local', '--title', 'Tidy old files', '--out', 'tidy.md'], script);
    expect(held.code).toBe(2);
    expect(held.stderr).toMatch(/warning: this looks destructive .*; it has not run\nRecording stopped before that command; nothing of it ran/);
    expect(existsSync(join(junk, 'old', 'a'))).toBe(true);
    expect(existsSync(join(workspace, 'tidy.md'))).toBe(false);

    const recorded = await handrail(['record', '--env', 'local-demo', '--target', 'local', '--title', 'Tidy old files', '--out', 'tidy.md', '--yes'], script);
    expect(recorded.code, recorded.stderr).toBe(0);
    expect(recorded.stderr).toMatch(/warning: looks destructive .*marked confirm/);
    const parsed = parseRunbook('tidy.md', readFileSync(join(workspace, 'tidy.md')));
    expect(parsed.runbook?.steps.map((s) => [s.action?.code, s.action?.attributes.confirm])).toEqual([
      [`mkdir -p ${junk}/old && \\\n  touch ${junk}/old/a`, false],
      [`find ${junk}/old -delete`, true],
    ]);
    expect(readFileSync(join(workspace, 'tidy.md'), 'utf8')).toMatch(/\*\*Warning:\*\* this command looks destructive/);
  });
});
