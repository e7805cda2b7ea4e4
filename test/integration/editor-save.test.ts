// Saving from the editor: the version is raised by a precise edit (comments, quoting and
// key order stay as the author wrote them), a runbook with errors is refused unless saved
// as a draft, nothing is written outside the workspace, and each save is in the history.
import { lstatSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { API, type ApiRequest } from '../../src/contract/api.js';
import { ConsoleService } from '../../src/app/console/console-service.js';
import { handrail } from '../support/handrail-cli.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';
import { apiErrorOf, expectNoStack, judgedList, settingsFor } from './console-support.js';
import { writeEditorWorkspace } from './editor-support.js';

/** A runbook as a person writes it: a comment, quotes, a trailing comment after the version. */
const ROTATE = `---
# Owned by the backend team; ask in #backend before changing.
id: rotate-logs
title: "Rotate the logs"
version: "1.4.2"   # raise on every change
owner: backend
environments: [local-demo]
---

# Rotate the logs

## Rotate

\`\`\`sh {target=app}
echo rotating
\`\`\`
`;

let root: string;
let workspace: string;
let dataDir: string;
let service: ConsoleService | undefined;
const roots: string[] = [];

beforeEach(async () => {
  await service?.close();
  root = await makeTempDir('editor-save');
  roots.push(root);
  workspace = writeEditorWorkspace(join(root, 'workspace'), { 'rotate-logs.md': ROTATE });
  dataDir = join(root, 'data');
  service = new ConsoleService(settingsFor(dataDir, { workspace }));
});

afterAll(async () => {
  await service?.close();
  for (const dir of roots) await removeDir(dir);
});

const onDisk = (name: string) => readFileSync(join(workspace, name), 'utf8');
/** As a binding calls it: the request parsed by its schema first (defaults filled in). */
const save = (request: ApiRequest<'saveRunbook'>) => service!.saveRunbook(API.saveRunbook.request.parse(request));
const svc = () => service!;

describe('saveRunbook', () => {
  it('raises the version by patch, minor and major and changes nothing else of the file', async () => {
    const patch = await save({ path: 'rotate-logs.md', text: ROTATE, bump: 'patch' });
    expect(patch.version).toBe('1.4.3');
    expect(onDisk('rotate-logs.md')).toBe(ROTATE.replace('"1.4.2"', '"1.4.3"'));
    expect(patch.text).toBe(onDisk('rotate-logs.md'));

    const edited = patch.text.replace('echo rotating', 'echo rotating now');
    const minor = await save({ path: 'rotate-logs.md', text: edited, bump: 'minor' });
    expect(minor.version).toBe('1.5.0');
    expect(onDisk('rotate-logs.md')).toBe(edited.replace('"1.4.3"', '"1.5.0"'));

    const major = await save({ path: 'rotate-logs.md', text: minor.text, bump: 'major' });
    expect(major.version).toBe('2.0.0');
    expect(onDisk('rotate-logs.md')).toBe(ROTATE.replace('"1.4.2"', '"2.0.0"').replace('echo rotating', 'echo rotating now'));
    expect(major.problems).toEqual([]);

    // The CLI agrees: the saved file is valid and is the version the editor said.
    const list = handrail(['list', '--json'], { dataDir, workspace });
    expect(JSON.parse(list.stdout)).toEqual([expect.objectContaining({ id: 'rotate-logs', version: '2.0.0', problems: 0 })]);
  });

  it('keeps the history: the version replaced (seen) and each saved one, with who saved it', async () => {
    await save({ path: 'rotate-logs.md', text: ROTATE, bump: 'minor' });
    const { versions } = await svc().runbookHistory({ id: 'rotate-logs' });
    expect(versions.map((v) => [v.version, v.reason, v.recordedBy])).toEqual([
      ['1.5.0', 'saved', 'tester'],
      ['1.4.2', 'seen', 'tester'],
    ]);
    const diff = await svc().runbookDiff({ id: 'rotate-logs', from: '1.4.2', to: '1.5.0' });
    expect(diff.unified).toMatch(/^-version: "1\.4\.2" {3}# raise on every change$/m);
    expect(diff.unified).toMatch(/^\+version: "1\.5\.0" {3}# raise on every change$/m);
  });

  it('refuses a runbook with errors, naming the first one as the CLI prints it, and leaves the file as it was', async () => {
    const broken = ROTATE.replace('{target=app}', '{target=nowhere}');
    const error = await apiErrorOf(save({ path: 'rotate-logs.md', text: broken, bump: 'patch' }));
    expect(error.code).toBe('refused');
    expect(error.message).toMatch(/^rotate-logs\.md:14:8: target 'nowhere' is not defined in any environment of handrail\.yml .*; nothing was saved\. Fix it, or save as a draft \(rotate-logs\.draft\.md\)/);
    expectNoStack(error);
    expect(onDisk('rotate-logs.md')).toBe(ROTATE);
    expect(readdirSync(workspace).sort()).toEqual(['handrail.yml', 'rotate-logs.md']);
  });

  it('refuses new content under the version already on disk when no bump is chosen', async () => {
    const error = await apiErrorOf(save({ path: 'rotate-logs.md', text: ROTATE.replace('rotating', 'turning'), bump: 'none' }));
    expect(error.message).toMatch(/content changed but version 1\.4\.2 was already recorded; bump the version/);
    expect(onDisk('rotate-logs.md')).toBe(ROTATE);
  });

  it('saves a runbook with errors as NAME.draft.md, which the workspace does not list or validate', async () => {
    const broken = ROTATE.replace('{target=app}', '{target=nowhere}');
    const saved = await save({ path: 'rotate-logs.md', text: broken, bump: 'patch', draft: true });
    expect(saved.path).toBe('rotate-logs.draft.md');
    // A draft is the text as it stands; its version is raised when it is saved for real.
    expect(onDisk('rotate-logs.draft.md')).toBe(broken);
    expect(saved.problems.map((p) => `${p.path}:${p.line}:${p.col}`)).toEqual(['rotate-logs.md:14:8']);
    expect(onDisk('rotate-logs.md')).toBe(ROTATE);

    const listed = await judgedList(svc());
    expect(listed.runbooks.map((r) => [r.id, r.path, r.problems])).toEqual([['rotate-logs', 'rotate-logs.md', 0]]);
    expect(handrail(['validate'], { dataDir, workspace, cwd: workspace }).code).toBe(0);
    const named = handrail(['validate', 'rotate-logs.draft.md'], { dataDir, workspace, cwd: workspace });
    expect(named.code).toBe(1);
    expect(named.stdout).toMatch(/^rotate-logs\.draft\.md:14:8: target 'nowhere'/m);
  });

  it('refuses paths outside the workspace: by the request schema, and through a symbolic link', async () => {
    for (const path of ['../escape.md', '/tmp/escape.md', 'notes.txt']) {
      expect(API.saveRunbook.request.safeParse({ path, text: ROTATE, bump: 'none' }).success).toBe(false);
    }
    const elsewhere = join(root, 'elsewhere');
    mkdirSync(elsewhere);
    symlinkSync(elsewhere, join(workspace, 'linked'));
    const error = await apiErrorOf(save({ path: 'linked/escape.md', text: ROTATE.replace('rotate-logs', 'escape'), bump: 'none' }));
    expect(error.message).toMatch(/^linked\/escape\.md is outside the workspace .*; nothing was saved$/);
    expect(readdirSync(elsewhere)).toEqual([]);
  });

  it('refuses a runbook name that is a symbolic link, even to a file inside the workspace, and leaves both as they were', async () => {
    writeFileSync(join(workspace, 'real.txt'), 'kept\n');
    symlinkSync(join(workspace, 'real.txt'), join(workspace, 'linked.md'));
    const error = await apiErrorOf(save({ path: 'linked.md', text: ROTATE.replace('rotate-logs', 'linked'), bump: 'none' }));
    expect(error.message).toMatch(/^could not write linked\.md \(.*linked\.md is a symbolic link \(to .*real\.txt\).*\); the file on disk is as it was/);
    expect(readFileSync(join(workspace, 'real.txt'), 'utf8')).toBe('kept\n');
    expect(lstatSync(join(workspace, 'linked.md')).isSymbolicLink()).toBe(true);
  });

  it('refuses a second runbook with an id another file already has', async () => {
    const error = await apiErrorOf(save({ path: 'copy.md', text: ROTATE, bump: 'none' }));
    expect(error.message).toMatch(/runbook id 'rotate-logs' is already used by rotate-logs\.md/);
    expect(readdirSync(workspace).sort()).toEqual(['handrail.yml', 'rotate-logs.md']);
  });

  it('writes a new runbook into a sub-folder and records runbook.saved in the audit trail', async () => {
    const text = ROTATE.replace('rotate-logs', 'db-rotate').replace('"1.4.2"', '1.0.0');
    const saved = await save({ path: 'db/rotate.md', text, bump: 'none' });
    expect(saved).toMatchObject({ path: 'db/rotate.md', version: '1.0.0', problems: [] });
    expect(onDisk('db/rotate.md')).toBe(text);
    const hits = await svc().searchAudit({ text: 'db/rotate.md', limit: 100 });
    expect(hits.hits.map((h) => h.kind)).toContain('runbook.saved');
  });

  it('opens a runbook by id with its exact text', async () => {
    writeFileSync(join(workspace, 'rotate-logs.md'), ROTATE);
    const source = await svc().getRunbookSource({ id: 'rotate-logs' });
    expect(source).toMatchObject({ path: 'rotate-logs.md', text: ROTATE, version: '1.4.2' });
    expect(source.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect((await apiErrorOf(svc().getRunbookSource({ id: 'nothing-here' }))).code).toBe('not-found');
  });
});
