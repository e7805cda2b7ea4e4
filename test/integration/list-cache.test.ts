// `handrail list` keeps what it judged of each runbook in the data folder, keyed by the exact
// bytes of every runbook and of handrail.yml, so a second listing of an unchanged workspace
// starts without the parsers. Never stale: any changed byte, a new or removed file, or
// another handrail.yml is judged again.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO } from '../support/handrail-cli.js';
import { heavyAmong, runLoggingPackages } from '../support/loaded-packages.js';

const scratch = mkdtempSync(join(tmpdir(), 'handrail-list-cache-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Listed {
  id: string;
  steps: number;
  problems: number;
}

function setup(name: string, options: { dataFolder: boolean } = { dataFolder: true }) {
  const workspace = join(scratch, name, 'ws');
  cpSync(DEMO, workspace, { recursive: true });
  const dataDir = join(scratch, name, 'data');
  // A data folder that exists: the first command of an operator that records anything creates it.
  if (options.dataFolder) mkdirSync(dataDir);
  const list = () => {
    const run = runLoggingPackages(['list', '--json'], { HANDRAIL_DATA_DIR: dataDir, HANDRAIL_WORKSPACE: workspace, HANDRAIL_OPERATOR: 'tester' }, workspace);
    expect(run.code, run.stderr).toBe(0);
    return { listed: JSON.parse(run.stdout) as Listed[], stdout: run.stdout, heavy: heavyAmong(run.packages) };
  };
  return { workspace, dataDir, list };
}

describe('handrail list on an unchanged workspace', () => {
  it('prints the same list the second time, without loading a parser', () => {
    const { list } = setup('same');
    const first = list();
    expect(first.heavy).not.toEqual([]);
    const second = list();
    expect(second.stdout).toBe(first.stdout);
    expect(second.heavy).toEqual([]);
  });

  it('judges a runbook again when one byte of it changed', () => {
    const { list, workspace } = setup('edited');
    const before = list().listed.find((r) => r.id === 'reset-pilot')!;
    list();
    const file = join(workspace, 'reset-pilot.md');
    // A target no environment has: a problem the validator finds only by judging the file.
    writeFileSync(file, readFileSync(file, 'utf8').replace(/target=(\w+)/, 'target=$1x'));
    const after = list();
    expect(after.heavy).not.toEqual([]);
    expect(after.listed.find((r) => r.id === 'reset-pilot')!.problems).toBeGreaterThan(before.problems);
  });

  it('judges every runbook again when handrail.yml changed, and sees files come and go', () => {
    const { list, workspace } = setup('inventory');
    const before = list().listed;
    expect(before.every((r) => r.problems === 0)).toBe(true);
    list();
    const yml = join(workspace, 'handrail.yml');
    writeFileSync(yml, readFileSync(yml, 'utf8').replace(/^(\s+)events:/m, '$1events-renamed:'));
    expect(list().listed.some((r) => r.problems > 0)).toBe(true);
    unlinkSync(join(workspace, 'reset-pilot.md'));
    expect(list().listed.map((r) => r.id)).not.toContain('reset-pilot');
  });

  it('creates no data folder when there is none', () => {
    const { list, dataDir } = setup('no-data', { dataFolder: false });
    list();
    list();
    expect(existsSync(dataDir)).toBe(false);
  });
});
