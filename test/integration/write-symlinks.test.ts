// No write Handrail makes follows a symbolic link out of where it belongs. Exports and
// bundles go where the operator says (--out may name any folder), but a link planted at the
// final name is refused, never written through or silently replaced; recordings and drafts
// stay inside the workspace and the data folder even when a folder in between is a link.
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openRecorder, type OpenedRecorder } from '../../src/app/recorder/cli-recorder.js';
import { DraftStore } from '../../src/app/recorder/draft-store.js';
import type { Settings } from '../../src/app/settings.js';
import { BIN, handrail } from '../support/handrail-cli.js';
import { runCommand } from '../support/run-command.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';

const VICTIM_TEXT = 'a file someone else cares about\n';

let root: string;
let workspace: string;
let data: string;
let elsewhere: string;
let victim: string;
const opened: OpenedRecorder[] = [];

beforeEach(async () => {
  root = await makeTempDir('write-links');
  workspace = join(root, 'ws');
  data = join(root, 'data');
  elsewhere = join(root, 'elsewhere');
  mkdirSync(workspace);
  mkdirSync(elsewhere);
  victim = join(elsewhere, 'victim.txt');
  writeFileSync(victim, VICTIM_TEXT);
  writeFileSync(join(workspace, 'handrail.yml'), 'environments:\n  dev:\n    targets:\n      app: local\n');
  writeFileSync(join(workspace, 'hello.md'), '---\nid: hello\ntitle: Hello\nversion: 1.0.0\n---\n\n# Hello\n\n## Say hello\n\n```sh {target=app}\necho hello\n```\n');
});
afterEach(async () => {
  for (const o of opened.splice(0)) await o.close();
  await removeDir(root);
});

const cli = (args: string[]) => handrail(args, { dataDir: data, workspace, cwd: root });
const settings = (): Settings => ({ dataDir: data, workspace, operator: 'tester', maxOutputBytes: 1024 * 1024 });

function recorder() {
  const o = openRecorder(settings(), { onOutput: () => {} });
  opened.push(o);
  return o.recorder;
}

function expectVictimUntouched(): void {
  expect(readFileSync(victim, 'utf8')).toBe(VICTIM_TEXT);
  expect(readdirSync(elsewhere)).toEqual(['victim.txt']);
}

describe('audit export --out', () => {
  it('refuses a symbolic link planted at the file name and leaves the file it points to, and the link, as they were', () => {
    expect(cli(['run', 'hello', '--env', 'dev']).code).toBe(0);
    const out = join(root, 'report.md');
    symlinkSync(victim, out);
    for (const format of ['md', 'jsonl']) {
      const result = cli(['audit', 'export', '--format', format, '--out', out]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`${out} is a symbolic link (to ${victim})`);
      expect(result.stderr).toMatch(/no file was written there/);
      expect(result.stderr).not.toMatch(/^\s+at\s/m);
      expectVictimUntouched();
      expect(readlinkSync(out)).toBe(victim);
    }
    expect(readdirSync(root).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('writes into a folder the operator named through a link: an explicit --out may be anywhere', () => {
    symlinkSync(elsewhere, join(root, 'reports'));
    const result = cli(['audit', 'export', '--format', 'md', '--out', join(root, 'reports', 'r.md')]);
    expect(result.code, result.stderr).toBe(0);
    expect(readFileSync(join(elsewhere, 'r.md'), 'utf8')).toMatch(/^# /);
    expect(lstatSync(join(elsewhere, 'r.md')).mode & 0o777).toBe(0o600);
  });
});

describe('handover --out', () => {
  it('refuses a link planted at the bundle folder name before writing anything, whether it points to a file or an empty folder', () => {
    expect(cli(['run', 'hello', '--env', 'dev']).code).toBe(0);
    const emptyFolder = join(elsewhere, 'empty');
    mkdirSync(emptyFolder);
    for (const target of [victim, emptyFolder]) {
      const out = join(root, `bundle-${target === victim ? 'file' : 'folder'}`);
      symlinkSync(target, out);
      const result = cli(['handover', '--since', '2020-01-01', '--out', out]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`${out} is a symbolic link (to ${target})`);
      expect(result.stderr).toMatch(/nothing was written/);
      expect(readFileSync(victim, 'utf8')).toBe(VICTIM_TEXT);
      expect(readdirSync(emptyFolder)).toEqual([]);
      expect(readlinkSync(out)).toBe(target);
    }
    expect(readdirSync(root).filter((n) => n.startsWith('.'))).toEqual([]);
    // Refused before the reports were exported: the trail has no export into the refused bundle.
    const trail = cli(['audit', 'export', '--format', 'jsonl']);
    expect(trail.stdout).not.toContain('bundle-folder');
  });
});

describe('saving a recording', () => {
  it('refuses a folder in the workspace that is a link to a folder outside it, and writes nothing there', async () => {
    symlinkSync(elsewhere, join(workspace, 'linked'));
    const r = recorder();
    const draft = await r.start({ environment: 'dev', target: 'app', title: 'Probe' });
    await r.record(draft.id, 'echo one');
    const path = join(workspace, 'linked', 'probe.md');
    const refused = r.save(draft.id, { path, acknowledged: [], cwd: workspace });
    await expect(refused).rejects.toThrow(`${path} is outside the workspace ${workspace} (its folder is ${elsewhere})`);
    await expect(refused).rejects.toThrow(/; nothing was written$/);
    expectVictimUntouched();
    // The draft is kept: it can be saved under another name.
    const saved = await r.save(draft.id, { path: join(workspace, 'probe.md'), acknowledged: [], cwd: workspace });
    expect(saved.problems).toEqual([]);
  });

  it('refuses a link planted at the file name', async () => {
    const path = join(workspace, 'probe.md');
    symlinkSync(victim, path);
    const r = recorder();
    const draft = await r.start({ environment: 'dev', target: 'app', title: 'Probe' });
    await r.record(draft.id, 'echo one');
    await expect(r.save(draft.id, { path, acknowledged: [], cwd: workspace })).rejects.toThrow(/probe\.md is a symbolic link .*nothing was written/);
    expectVictimUntouched();
    expect(readlinkSync(path)).toBe(victim);
  });

  it('`handrail record --out` through such a link is refused before any command runs', async () => {
    symlinkSync(elsewhere, join(workspace, 'linked'));
    const marker = join(root, 'ran');
    const result = await runCommand(process.execPath, [BIN, 'record', '--env', 'dev', '--target', 'app', '--title', 'Probe', '--out', 'linked/probe.md'], {
      cwd: workspace,
      env: { ...process.env, HANDRAIL_DATA_DIR: data, HANDRAIL_WORKSPACE: workspace, HANDRAIL_OPERATOR: 'tester' },
      input: `touch ${marker}\n`,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`is outside the workspace ${workspace} (its folder is ${elsewhere})`);
    expect(result.stderr).toMatch(/nothing was run/);
    expect(existsSync(marker)).toBe(false);
    expectVictimUntouched();
  });
});

describe('recording drafts', () => {
  it('are not written through a drafts folder that is a link out of the data folder', async () => {
    mkdirSync(data);
    symlinkSync(elsewhere, join(data, 'drafts'));
    const store = new DraftStore(data);
    await expect(
      store.save({ id: 'r-20260101-000000-abcdef', title: 'T', environment: 'dev', target: 'app', operator: 'tester', startedAt: new Date().toISOString(), savedPath: null, steps: [] }),
    ).rejects.toThrow(/outside the data folder/);
    expectVictimUntouched();
  });
});
