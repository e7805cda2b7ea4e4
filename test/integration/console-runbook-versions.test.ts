// The consoles' runbookHistory and runbookDiff, through ConsoleService as both bindings call
// it: the versions a run recorded, a diff against the file as it is now, and the not-found
// answer a console shows for an unknown runbook or version.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toApiError } from '../../src/app/console/api-error.js';
import { ConsoleService } from '../../src/app/console/console-service.js';
import { handrail } from '../support/handrail-cli.js';
import { judgedList, settingsFor } from './console-support.js';

const root = mkdtempSync(join(tmpdir(), 'handrail-console-versions-'));
const workspace = join(root, 'ws');
const dataDir = join(root, 'data');
const file = join(workspace, 'hello.md');
const hello = (version: string, word: string) => `---\nid: hello\ntitle: Hello\nversion: ${version}\n---\n\n## Greet\n\n\`\`\`sh {target=local}\necho ${word}\n\`\`\`\n`;
let service: ConsoleService;

beforeAll(() => {
  mkdirSync(workspace);
  writeFileSync(join(workspace, 'handrail.yml'), 'environments:\n  dev:\n    targets: {}\n');
  writeFileSync(file, hello('1.0.0', 'hi'));
  expect(handrail(['run', 'hello', '--env', 'dev'], { dataDir, workspace }).code).toBe(0);
  writeFileSync(file, hello('1.1.0', 'hello'));
  service = new ConsoleService(settingsFor(dataDir, { workspace }));
});
afterAll(async () => {
  await service.close();
  rmSync(root, { recursive: true, force: true });
});

describe('console version history', () => {
  it('lists the recorded versions and diffs one against the workspace file', async () => {
    const { versions } = await service.runbookHistory({ id: 'hello' });
    expect(versions).toMatchObject([{ version: '1.0.0', reason: 'run', recordedBy: 'tester' }]);
    const diff = await service.runbookDiff({ id: 'hello', from: '1.0.0', to: 'workspace' });
    expect(diff.from).toEqual({ version: '1.0.0', text: hello('1.0.0', 'hi') });
    expect(diff.to).toEqual({ version: '1.1.0', text: hello('1.1.0', 'hello') });
    expect(diff.unified).toContain('-echo hi\n+echo hello\n');
  });

  it('shows in the Runbooks view a runbook changed without a bump, and clears it once bumped', async () => {
    const problemsOf = async () => (await judgedList(service)).runbooks.find((r) => r.id === 'hello');
    writeFileSync(file, hello('1.0.0', 'changed'));
    const changed = await problemsOf();
    expect(changed?.problems).toBe(1);
    expect(changed?.problemList).toEqual([
      { path: 'hello.md', line: 4, col: 1, severity: 'error', message: 'content changed but version 1.0.0 was already recorded; bump the version' },
    ]);
    writeFileSync(file, hello('1.1.0', 'hello'));
    expect((await problemsOf())?.problems).toBe(0);
  });

  it('answers not-found for an unknown runbook or version', async () => {
    const unknownRunbook = await service.runbookHistory({ id: 'nope' }).catch((e: unknown) => toApiError(e, 'runbookHistory'));
    expect(unknownRunbook).toMatchObject({ code: 'not-found' });
    const unknownVersion = await service.runbookDiff({ id: 'hello', from: '1.0.0', to: '7.0.0' }).catch((e: unknown) => toApiError(e, 'runbookDiff'));
    expect(unknownVersion).toEqual({ code: 'not-found', message: "runbook 'hello' has no recorded version '7.0.0' (recorded: 1.0.0; handrail history hello lists them); nothing was compared" });
  });
});
