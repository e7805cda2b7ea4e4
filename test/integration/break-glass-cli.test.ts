// `--break-glass` through the CLI: a reason that says nothing is refused before anything runs,
// and one no guard needed is said aloud, never recorded as if a guard had been waived.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { handrail, runIdOf } from '../support/handrail-cli.js';

const root = mkdtempSync(join(tmpdir(), 'handrail-break-glass-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const workspace = join(root, 'ws');
mkdirSync(workspace);
writeFileSync(join(workspace, 'handrail.yml'), 'environments:\n  dev:\n    targets: {}\n');
writeFileSync(
  join(workspace, 'hello.md'),
  '---\nid: hello\ntitle: Hello\nversion: 1.0.0\nenvironments: [dev]\n---\n\n# Hello\n\n## Say hi\n\n```sh {target=local}\necho hi-from-step\n```\n',
);

describe('run --break-glass', () => {
  it('refuses a reason that says nothing, before the first step, and records the refusal', () => {
    const cli = { dataDir: join(root, 'data-weak'), workspace };
    const r = handrail(['run', 'hello', '--env', 'dev', '--break-glass', 'x'], cli);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/break-glass reason is too short .* nothing was executed/);
    expect(r.stdout).not.toContain('hi-from-step');
    expect(handrail(['runs', '--json'], cli).stdout).not.toContain('"hello"');
    const search = handrail(['audit', 'search', 'short', '--kind', 'guard.refused', '--json'], cli);
    expect(search.stdout).toContain('break-glass reason is too «short»');
  });

  it('says so when no guard needed waiving, and the run reads plain "succeeded"', () => {
    const cli = { dataDir: join(root, 'data-unused'), workspace };
    const r = handrail(['run', 'hello', '--env', 'dev', '--break-glass', 'INC-1: just in case'], cli);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('hi-from-step');
    expect(r.stderr).toContain('no guard needed waiving; nothing was recorded as a deviation');
    const show = handrail(['show', runIdOf(r.stdout)], cli);
    expect(show.stdout).toContain('succeeded');
    expect(show.stdout).not.toMatch(/deviation/i);
  });
});
