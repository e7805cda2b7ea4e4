// `handrail import` on Markdown runbooks, as an author meets it: the built CLI imports the
// attributed sample of public alert runbooks (test/fixtures/markdown-runbooks) folder-wise
// with --target, and `handrail validate` accepts every draft it wrote. Each import reads the
// shell grammar of every block of seven pages in a fresh process: on a busy two-core machine
// that takes longer than the default 30 s, hence the longer limit (no test asserts a time).
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handrail, ROOT } from '../support/handrail-cli.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';

const PAGES = join(ROOT, 'test/fixtures/markdown-runbooks');
const INVENTORY = `environments:
  practice:
    targets:
      app: local
`;

let scratch: string;
let workspace: string;
let cli: { dataDir: string; workspace: string; cwd: string };

beforeAll(async () => {
  scratch = await makeTempDir('import-md');
  workspace = join(scratch, 'workspace');
  mkdirSync(workspace);
  writeFileSync(join(workspace, 'handrail.yml'), INVENTORY);
  cli = { dataDir: join(scratch, 'data'), workspace, cwd: workspace };
});
afterAll(() => removeDir(scratch));

describe('handrail import PAGE.md', () => {
  it('prints the draft of one page on stdout, every shell step on the named target', () => {
    const result = handrail(['import', join(PAGES, 'kubevirt-VirtHandlerDaemonSetRolloutFailing.md'), '--target', 'app'], cli);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^---\nid: kubevirt-virt-handler-daemon-set-rollout-failing\ntitle: VirtHandlerDaemonSetRolloutFailing\nversion: 0\.1\.0\n/);
    expect(result.stdout.match(/^ *```sh \{target=app\}$/gm)).toHaveLength(3);
    expect(result.stderr).not.toContain('no step has a target');
  });

  it('without --target says that the steps need one, and validate names each', { timeout: 120_000 }, () => {
    const result = handrail(['import', join(PAGES, 'kubevirt-VirtHandlerDaemonSetRolloutFailing.md')], cli);
    expect(result.stderr).toContain('handrail: warning: no step has a target yet: add target=NAME to each of the 3 sh blocks, or import again with --target NAME');
    writeFileSync(join(workspace, 'no-target.md'), result.stdout);
    const checked = handrail(['validate', 'no-target.md'], cli);
    expect(checked.code).toBe(1);
    expect(checked.stdout.match(/this sh step has no target/g)).toHaveLength(3);
  });
});

describe('handrail import FOLDER --out DRAFTS --target NAME', () => {
  it('writes one draft per page, each of which validate accepts and which has a runnable step', { timeout: 120_000 }, () => {
    const out = join(scratch, 'drafts');
    const result = handrail(['import', PAGES, '--out', out, '--target', 'app'], cli);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('6 pages imported, 1 skipped (nothing to import)');
    expect(result.stderr).toContain('handrail: README.md: skipped: it has no ## sections and no code blocks');
    const drafts = readdirSync(out).sort();
    expect(drafts).toHaveLength(6);
    const checked = handrail(['validate', ...drafts.map((d) => join(out, d))], cli);
    expect(checked.code, checked.stdout).toBe(0);
    expect(checked.stdout).toMatch(/^6 files checked: valid/m);
    const runnable = drafts.filter((d) => /^ *```sh \{target=app/m.test(readFileSync(join(out, d), 'utf8')));
    // Every page but the one whose only block opens a shell in a pod (a manual step).
    expect(runnable.length).toBe(5);
  });

  it('never writes over a draft that is already there, and says which', { timeout: 120_000 }, () => {
    const out = join(scratch, 'again');
    mkdirSync(out);
    writeFileSync(join(out, 'openshift-runc-deprecated.md'), 'mine\n');
    const result = handrail(['import', PAGES, '--out', out, '--target', 'app'], cli);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/openshift-RuncDeprecated\.md: not imported: .*already there/);
    expect(readFileSync(join(out, 'openshift-runc-deprecated.md'), 'utf8')).toBe('mine\n');
    expect(result.stdout).toContain('5 pages imported, 1 skipped (nothing to import), 1 not imported');
  });

  it('refuses a folder without --out, and a bad target name, before anything is written (exit 2)', () => {
    const noOut = handrail(['import', PAGES], cli);
    expect(noOut.code).toBe(2);
    expect(noOut.stderr).toContain('is a folder: to import the Markdown pages in it, add --out FOLDER for the drafts');
    const badTarget = handrail(['import', PAGES, '--out', join(scratch, 'x'), '--target', 'App Server'], cli);
    expect(badTarget.code).toBe(2);
    expect(badTarget.stderr).toContain('is not a target name');
  });
});
