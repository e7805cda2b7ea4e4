// The editor's diagnostics are the CLI validator's: for the same text, validateText gives
// the same `path:line:col: message` lines as `handrail validate FILE` run in the workspace
// (the built CLI, a real data directory), including the changed-without-a-bump rule.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleService } from '../../src/app/console/console-service.js';
import { formatProblem } from '../../src/core/problems.js';
import { handrail } from '../support/handrail-cli.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';
import { settingsFor } from './console-support.js';
import { CASES, probe, writeEditorWorkspace } from './editor-support.js';

let root: string;
let workspace: string;
let dataDir: string;
let service: ConsoleService;

beforeAll(async () => {
  root = await makeTempDir('editor-validate');
  workspace = writeEditorWorkspace(join(root, 'workspace'));
  dataDir = join(root, 'data');
  service = new ConsoleService(settingsFor(dataDir, { workspace }));
});

afterAll(async () => {
  await service?.close();
  await removeDir(root);
});

/** What `handrail validate NAME` prints for `text` saved as NAME in the workspace, without its summary line. */
function cliLines(name: string, text: string): { code: number | null; lines: string[] } {
  const file = join(workspace, name);
  writeFileSync(file, text);
  try {
    const result = handrail(['validate', name], { dataDir, workspace, cwd: workspace });
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines.at(-1)).toMatch(/^1 file checked: /);
    return { code: result.code, lines: lines.slice(0, -1) };
  } finally {
    rmSync(file);
  }
}

async function editorLines(name: string, text: string): Promise<string[]> {
  const { problems } = await service.validateText({ path: name, text });
  return problems.map(formatProblem);
}

describe('validateText (the editor) and handrail validate (the CLI)', () => {
  for (const c of CASES) {
    it(`report the same problems for ${c.name}`, async () => {
      const cli = cliLines('case.md', c.text);
      const editor = await editorLines('case.md', c.text);
      expect(editor).toEqual(cli.lines);
      if (c.says === null) {
        expect(editor).toEqual([]);
        expect(cli.code).toBe(0);
      } else {
        expect(editor.join('\n')).toMatch(c.says);
        for (const line of editor) expect(line).toMatch(/^case\.md:\d+:\d+: /);
      }
    });
  }

  it('place the problems of a file in a sub-folder the same way', async () => {
    const c = CASES.find((x) => x.name === 'an unknown attribute')!;
    writeEditorWorkspace(join(workspace, 'db'));
    rmSync(join(workspace, 'db', 'handrail.yml'));
    const cli = cliLines('db/case.md', c.text);
    expect(await editorLines('db/case.md', c.text)).toEqual(cli.lines);
    expect(cli.lines[0]).toMatch(/^db\/case\.md:\d+:\d+: unknown attribute 'colour'/);
  });

  it("both reject a runbook changed without a version bump, at the version key", async () => {
    await service.saveRunbook({ path: 'probe.md', text: probe(), bump: 'none', draft: false });
    const changed = probe().replace('Looks around.', 'Looks around, then some.');
    const cli = cliLines('changed.md', changed);
    const editor = await editorLines('changed.md', changed);
    expect(editor).toEqual(cli.lines);
    expect(editor).toEqual(['changed.md:4:1: content changed but version 1.0.0 was already recorded; bump the version']);
    expect(cli.code).toBe(1);
  });

  it('give the steps as the Run view will show them, even while the text has problems', async () => {
    const text = probe(`## Say hello\n\n\`\`\`sh {target=nowhere confirm}\necho hello\n\`\`\`\n\n## Tell the team\n\nPost in the channel.\n`);
    const { steps, problems } = await service.validateText({ path: 'case.md', text });
    expect(problems.some((p) => p.severity === 'error')).toBe(true);
    expect(steps.map((s) => [s.title, s.kind, s.target, s.command, s.confirm])).toEqual([
      ['Say hello', 'sh', 'nowhere', 'echo hello', true],
      ['Tell the team', 'manual', null, null, false],
    ]);
  });
});
