// The console's Runbooks view lists every runbook with its problems, which takes the Markdown,
// SQL and shell parsers over every file. What it judged is kept in the data folder, keyed by
// the bytes of each runbook and of handrail.yml, so the next console over a known workspace
// answers without judging; the kept list is the list a cold console gives, and any changed
// byte, or a version recorded since, is seen at once.
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleService } from '../../src/app/console/console-service.js';
import { RunbookVersions } from '../../src/app/runbook-versions.js';
import { openAppDatabase } from '../../src/store/open-database.js';
import { DEMO } from '../support/handrail-cli.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';
import { judgedList, settingsFor } from './console-support.js';

const FLAWED = `---\nid: flawed\ntitle: Flawed\nversion: 1.0.0\nowner: ops\ninputs:\n  unused:\n    type: string\n    default: x\n---\n\n# Flawed\n\n## Look\n\n\`\`\`sh {target=nowhere}\necho look\n\`\`\`\n`;

let dir: string;
let workspace: string;
let dataDir: string;

beforeAll(async () => {
  dir = await makeTempDir('console-catalog-cache');
  workspace = join(dir, 'ws');
  cpSync(DEMO, workspace, { recursive: true });
  writeFileSync(join(workspace, 'flawed.md'), FLAWED);
  dataDir = join(dir, 'data');
});
afterAll(() => removeDir(dir));

/** One console's start, a call, and its stop, as an operator opens and closes the console. */
async function withConsole<T>(data: string, call: (service: ConsoleService) => Promise<T>, at = workspace): Promise<T> {
  const service = new ConsoleService(settingsFor(data, { workspace: at }));
  try {
    return await call(service);
  } finally {
    await service.close();
  }
}

const list = (data = dataDir) => withConsole(data, judgedList);
/** What a console with nothing kept lists: a data folder of its own. */
let fresh = 0;
const coldList = () => list(join(dir, `fresh-${fresh++}`));
const kept = () => join(dataDir, 'cache', 'console-runbooks.json');

describe('the Runbooks view over a known workspace', () => {
  it('keeps what it judged in the data folder, and the next console lists the same', async () => {
    const first = await list();
    expect(first.runbooks.find((r) => r.id === 'flawed')?.problemList.map((p) => p.message)).toEqual([
      "input 'unused' is declared but no step uses it",
      expect.stringContaining("target 'nowhere'"),
    ]);
    expect(existsSync(kept())).toBe(true);
    expect(await list()).toEqual(first);
    expect(await list()).toEqual(await coldList());
  });

  it('shows a runbook from a kept verdict with its steps', async () => {
    await list();
    const detail = await withConsole(dataDir, (s) => s.getRunbook({ id: 'reset-pilot' }));
    expect(detail.steps.length).toBeGreaterThan(0);
    expect(detail).toEqual(await withConsole(join(dir, `fresh-${fresh++}`), (s) => s.getRunbook({ id: 'reset-pilot' })));
  });

  it('judges again what changed: one byte of a runbook, handrail.yml, a file come', async () => {
    await list();
    const file = join(workspace, 'reset-pilot.md');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/target=(\w+)/, 'target=$1x'));
    const edited = await list();
    expect(edited.runbooks.find((r) => r.id === 'reset-pilot')!.problems).toBeGreaterThan(0);
    expect(edited).toEqual(await coldList());

    const yml = join(workspace, 'handrail.yml');
    writeFileSync(yml, readFileSync(yml, 'utf8').replace(/^(\s+)events:/m, '$1events-renamed:'));
    const inventory = await list();
    expect(inventory.runbooks.filter((r) => r.problems > 0).length).toBeGreaterThan(edited.runbooks.filter((r) => r.problems > 0).length);
    expect(inventory).toEqual(await coldList());

    writeFileSync(join(workspace, 'flawed-again.md'), FLAWED.replace('id: flawed', 'id: flawed-again'));
    expect((await list()).runbooks.map((r) => r.id)).toContain('flawed-again');
  });

  it("lists handrail.yml's own problems the same from a kept verdict as when judged", async () => {
    const broken = join(dir, 'broken-ws');
    cpSync(workspace, broken, { recursive: true });
    writeFileSync(join(broken, 'handrail.yml'), 'environments:\n  dev:\n    targets: [unclosed\n');
    const data = join(dir, 'broken-data');
    const listBroken = () => withConsole(data, judgedList, broken);
    const first = await listBroken();
    expect(first.inventoryProblems).toMatchObject([{ path: 'handrail.yml', severity: 'error' }]);
    expect(await listBroken()).toEqual(first);
  });

  it('sees a version recorded since, for a runbook whose bytes did not change', async () => {
    const data = join(dir, 'recorded');
    mkdirSync(data);
    const conflicts = async () => (await list(data)).runbooks.find((r) => r.id === 'flawed')!.problemList.filter((p) => p.message.includes('already recorded'));
    expect(await conflicts()).toEqual([]);
    // The same id and version with other bytes, recorded meanwhile (a save, or a run from another checkout).
    const app = openAppDatabase(data);
    try {
      new RunbookVersions(app.db).record({ runbookId: 'flawed', version: '1.0.0', source: Buffer.from(FLAWED.replace('echo look', 'echo other')), reason: 'saved', operator: 'ana' });
    } finally {
      app.close();
    }
    expect(await conflicts()).toMatchObject([{ line: 4, col: 1, severity: 'error' }]);
  });
});
