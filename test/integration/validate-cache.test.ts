// `handrail validate` keeps its verdict in the data folder, keyed by every byte it judged, so a
// second validation of an unchanged workspace starts without the parsers and prints, byte for
// byte, what a cold run prints: same problems, same order, same exit code. Never stale: an
// edited byte, a changed handrail.yml, a changed allowed_signers file the inventory names, a
// file come or gone, or a version recorded meanwhile in the data folder is seen at once.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO, handrail } from '../support/handrail-cli.js';
import { heavyAmong, runLoggingPackages } from '../support/loaded-packages.js';

const scratch = mkdtempSync(join(tmpdir(), 'handrail-validate-cache-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

// An error (a target no environment has) and a warning (an input no step uses) in one runbook.
const FLAWED = `---\nid: flawed\ntitle: Flawed\nversion: 1.0.0\nowner: ops\ninputs:\n  unused:\n    type: string\n    default: x\n---\n\n# Flawed\n\n## Look\n\n\`\`\`sh {target=nowhere}\necho look\n\`\`\`\n`;

function setup(name: string, options: { dataFolder: boolean } = { dataFolder: true }) {
  const workspace = join(scratch, name, 'ws');
  cpSync(DEMO, workspace, { recursive: true });
  writeFileSync(join(workspace, 'flawed.md'), FLAWED);
  const dataDir = join(scratch, name, 'data');
  if (options.dataFolder) mkdirSync(dataDir);
  const env = { HANDRAIL_DATA_DIR: dataDir, HANDRAIL_WORKSPACE: workspace, HANDRAIL_OPERATOR: 'tester' };
  const validate = (args: string[] = []) => {
    const run = runLoggingPackages(['validate', ...args], env, workspace);
    return { code: run.code, stdout: run.stdout, stderr: run.stderr, heavy: heavyAmong(run.packages) };
  };
  /** What a run with nothing kept prints: the verdict to compare a kept one with. */
  const cold = (args: string[] = []) => {
    rmSync(join(dataDir, 'cache'), { recursive: true, force: true });
    const run = validate(args);
    expect(run.heavy).not.toEqual([]);
    return run;
  };
  return { workspace, dataDir, env, validate, cold };
}

const printed = (run: { code: number | null; stdout: string; stderr: string }) => ({ code: run.code, stdout: run.stdout, stderr: run.stderr });

describe('handrail validate on an unchanged workspace', () => {
  it('prints byte for byte what a cold run printed, errors and warnings included, without loading a parser', () => {
    const { validate, cold } = setup('same');
    for (const args of [[], ['--json'], ['flawed.md'], ['flawed.md', 'reset-pilot.md', '--json']]) {
      const first = cold(args);
      expect(first.code).toBe(1);
      expect(first.stdout).toContain("input 'unused' is declared but no step uses it");
      expect(first.stdout).toContain("target 'nowhere'");
      const second = validate(args);
      expect(printed(second)).toEqual(printed(first));
      expect(second.heavy).toEqual([]);
    }
  });

  it('judges again when one byte of a runbook changed, and prints what a cold run prints', () => {
    const { validate, cold, workspace } = setup('edited');
    const before = cold();
    validate();
    const file = join(workspace, 'reset-pilot.md');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/target=(\w+)/, 'target=$1x'));
    const after = validate();
    expect(after.heavy).not.toEqual([]);
    expect(after.stdout).not.toBe(before.stdout);
    expect(after.stdout).toMatch(/reset-pilot\.md:\d+:\d+: /);
    expect(printed(validate())).toEqual(printed(cold()));
  });

  it('judges again when handrail.yml changed, and sees runbooks come and go', () => {
    const { validate, workspace } = setup('inventory');
    expect(validate().stdout).not.toMatch(/reset-pilot\.md/);
    const yml = join(workspace, 'handrail.yml');
    writeFileSync(yml, readFileSync(yml, 'utf8').replace(/^(\s+)events:/m, '$1events-renamed:'));
    const changed = validate();
    expect(changed.heavy).not.toEqual([]);
    expect(changed.stdout).toMatch(/reset-pilot\.md:\d+:\d+: /);
    unlinkSync(join(workspace, 'flawed.md'));
    expect(validate().stdout).not.toMatch(/flawed\.md/);
    writeFileSync(join(workspace, 'flawed-again.md'), FLAWED.replace('id: flawed', 'id: flawed-again'));
    expect(validate().stdout).toMatch(/flawed-again\.md:\d+:\d+: /);
  });

  it('judges again when the allowed_signers file an environment names changed', () => {
    const { validate, cold, workspace } = setup('approvers');
    const yml = join(workspace, 'handrail.yml');
    writeFileSync(yml, readFileSync(yml, 'utf8').replace(/^environments:\n/m, 'environments:\n  gated:\n    approval:\n      required: true\n      approvers: ./allowed_signers\n    targets: {}\n'));
    const signers = join(workspace, 'allowed_signers');
    writeFileSync(signers, 'alice@example.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKL6epOJY5ub5f2jB2umaMKiQ00Jghg1uQK2QFPTS/VQ\n');
    const good = validate();
    expect(good.stdout).not.toMatch(/allowed_signers:/);
    expect(validate().heavy).toEqual([]);
    writeFileSync(signers, 'alice@example.com ssh-ed25519 not-a-key\n');
    const bad = validate();
    expect(bad.stdout).toMatch(/allowed_signers:1:\d+: /);
    expect(printed(bad)).toEqual(printed(cold()));
    unlinkSync(signers);
    expect(validate().stdout).toMatch(/allowed_signers:1:1: the approvers of environment gated cannot be read \(ENOENT\)/);
  });

  it('sees a version recorded in the data folder since, for a runbook whose bytes did not change', () => {
    const { validate, dataDir, env } = setup('recorded');
    const other = join(scratch, 'recorded', 'other');
    mkdirSync(other);
    writeFileSync(join(other, 'handrail.yml'), 'environments:\n  dev:\n    targets:\n      app: local\n');
    // The same id and version with other bytes, run from another folder into the same data folder.
    writeFileSync(join(other, 'flawed.md'), FLAWED.replace('{target=nowhere}', '{target=app}').replace('echo look', 'echo other'));
    const kept = validate();
    expect(validate().heavy).toEqual([]);
    expect(kept.stdout).not.toMatch(/already recorded/);
    const ran = handrail(['run', join(other, 'flawed.md'), '--env', 'dev'], { dataDir, workspace: other, cwd: other, env: { ...env, HANDRAIL_WORKSPACE: other } });
    expect(ran.code, ran.stderr).toBe(0);
    const after = validate();
    expect(after.stdout).toMatch(/flawed\.md:4:1: content changed but version 1\.0\.0 was already recorded; bump the version/);
    expect(after.code).toBe(1);
  });

  it('keeps a verdict per place the operator stands: paths are shown relative to it', () => {
    const { env, workspace } = setup('cwd');
    const from = (cwd: string) => runLoggingPackages(['validate', join(workspace, 'flawed.md')], env, cwd).stdout;
    const inside = from(workspace);
    expect(inside).toMatch(/^flawed\.md:/m);
    expect(from(join(workspace, 'demo'))).toMatch(/^\.\.\/flawed\.md:/m);
    expect(from(workspace)).toBe(inside);
  });

  it('creates no data folder when there is none', () => {
    const { validate, dataDir } = setup('no-data', { dataFolder: false });
    validate();
    validate();
    expect(existsSync(dataDir)).toBe(false);
  });
});
