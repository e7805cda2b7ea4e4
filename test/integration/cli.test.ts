// The `handrail` command as an operator meets it: the built CLI in a child process, with
// exit codes and output as the contract table says. `npm test` builds dist/ first.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, copyFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/handrail.js');
const DEMO = join(ROOT, 'runbooks');
const DEMO_IDS = ['check-migrations', 'deploy-release', 'disk-full-triage', 'incident-triage', 'replay-dead-letters', 'reset-pilot'];

const scratch = mkdtempSync(join(tmpdir(), 'handrail-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function handrail(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: scratch,
    encoding: 'utf8',
    env: { ...process.env, HANDRAIL_DATA_DIR: join(scratch, 'data'), HANDRAIL_WORKSPACE: '', ...env },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** No stack frames, no `node:internal`, no `Error:` dumps: a person reads this at 3 a.m. */
function expectNoStackTrace(text: string) {
  expect(text).not.toMatch(/^\s+at\s/m);
  expect(text).not.toMatch(/node:internal|\.js:\d+:\d+\)/);
}

describe('handrail (the CLI)', () => {
  it('has --help for itself and every command', () => {
    for (const args of [['--help'], ['validate', '--help'], ['list', '--help'], ['schemas', '--help']]) {
      const { code, stdout } = handrail(args);
      expect(code).toBe(0);
      expect(stdout).toMatch(/^Usage: handrail/);
    }
  });

  it('validates the demo workspace', () => {
    const { code, stdout } = handrail(['validate', DEMO]);
    expect(stdout.trim()).toBe('7 files checked: valid');
    expect(code).toBe(0);
  });

  it('lists the six demo runbooks as JSON, from --workspace or HANDRAIL_WORKSPACE', () => {
    for (const run of [handrail(['--workspace', DEMO, 'list', '--json']), handrail(['list', '--json'], { HANDRAIL_WORKSPACE: DEMO })]) {
      expect(run.code).toBe(0);
      const list = JSON.parse(run.stdout) as { id: string; version: string; steps: number; problems: number; sha256: string }[];
      expect(list.map((r) => r.id)).toEqual(DEMO_IDS);
      for (const r of list) {
        expect(r.problems).toBe(0);
        expect(r.steps).toBeGreaterThan(0);
        expect(r.sha256).toMatch(/^[0-9a-f]{64}$/);
      }
    }
  });

  it('refuses unknown flags, commands and missing paths with one line and exit 2', () => {
    const cases = [
      { args: ['validate', '--strict'], says: "handrail: validate: unknown option '--strict'" },
      { args: ['frobnicate'], says: "handrail: unknown command 'frobnicate'" },
      { args: ['validate', 'no-such-file.md'], says: 'handrail: validate: no such file or folder: no-such-file.md; nothing was validated' },
      { args: ['--workspace', join(scratch, 'nowhere'), 'list'], says: 'does not exist; pass --workspace DIR or set HANDRAIL_WORKSPACE' },
      { args: ['--data-dir'], says: "handrail: option '--data-dir <dir>' argument missing" },
    ];
    for (const { args, says } of cases) {
      const { code, stderr, stdout } = handrail(args);
      expect(code, args.join(' ')).toBe(2);
      expect(stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(stderr).toContain(says);
      expect(stdout).toBe('');
      expectNoStackTrace(stderr);
    }
  });

  it('reports a malformed file of any kind with path:line:col and exit 1, never a stack trace', () => {
    const files: Record<string, string | Buffer> = {
      'bad-yaml.md': '---\nid: x\ntitle: [unclosed\nversion: 1.0.0\n---\n\n## A\n\nDo it.\n',
      'unclosed-fence.md': '---\nid: x\ntitle: T\nversion: 1.0.0\n---\n\n## A\n\n```sh {target=local}\necho hi\n',
      'garbage.md': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0xff, 0xfe]),
      'latin1.md': Buffer.from([0x2d, 0x2d, 0x2d, 0x0a, 0xe9, 0xe8, 0x0a]),
      'empty.md': '',
      'huge.md': Buffer.alloc(10 * 1024 * 1024, 'a'),
    };
    for (const [name, content] of Object.entries(files)) writeFileSync(join(scratch, name), content);
    const { code, stdout, stderr } = handrail(['validate', ...Object.keys(files)]);
    expect(code).toBe(1);
    expect(stderr).toBe('');
    expectNoStackTrace(stdout);
    expect(stdout.trim().split('\n')).toEqual([
      'bad-yaml.md:4:1: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ] in the front matter',
      'empty.md:1:1: the file is empty; a runbook starts with front matter (---, id, title, version, ---) and has at least one ## step',
      'garbage.md:1:1: this is not a text file (it contains NUL bytes); is it the right file?',
      'huge.md:1:1: the file is 10.0 MB; Handrail reads runbooks up to 1.0 MB — is this the right file?',
      'latin1.md:1:1: this is not UTF-8 text; save the file as UTF-8',
      'unclosed-fence.md:9:1: this code fence is never closed, so the rest of the file became code; add a closing fence after the code',
      '6 files checked: 6 errors',
    ]);
  });

  it('judges a runbook against the handrail.yml of its folder', () => {
    const ws = join(scratch, 'ws');
    rmSync(ws, { recursive: true, force: true });
    spawnSync('mkdir', ['-p', ws]);
    copyFileSync(join(DEMO, 'handrail.yml'), join(ws, 'handrail.yml'));
    writeFileSync(
      join(ws, 'wipe.md'),
      '---\nid: wipe\ntitle: Wipe\nversion: 1.0.0\n---\n\n## Wipe events\n\n```sql {target=events}\nDELETE FROM events;\n```\n',
    );
    const { code, stdout } = handrail(['validate', 'ws']);
    expect(stdout).toContain(
      'ws/wipe.md:10:1: this SQL deletes rows but the step is not marked mutates; add {mutates} so a snapshot is taken first',
    );
    expect(code).toBe(1);
    const json = handrail(['validate', '--json', 'ws/wipe.md']);
    expect(JSON.parse(json.stdout)).toMatchObject({ files: 1, errors: 1, problems: [{ path: 'ws/wipe.md', line: 10, col: 1 }] });
  });
});
