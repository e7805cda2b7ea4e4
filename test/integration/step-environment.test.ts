// What a sh step gets, through the CLI in a throwaway workspace: a minimal environment (not
// Handrail's own, so a target's password-env variable stays out), what pass-env names, and
// inputs beside the script; a placeholder where no value is safe is refused by validate and
// by run, at its line:col; the preview names a secret instead of showing it.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { handrail, runIdOf, showRun, type CliOptions } from '../support/handrail-cli.js';

const root = mkdtempSync(join(tmpdir(), 'handrail-step-env-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const workspace = join(root, 'ws');
let cli: CliOptions;
let n = 0;
beforeEach(() => {
  cli = { dataDir: join(root, `data-${++n}`), workspace, cwd: workspace };
});

mkdirSync(workspace);
writeFileSync(
  join(workspace, 'handrail.yml'),
  `environments:
  dev:
    variables: { GREETING: hello }
    pass-env: [HR_TEST_PASSED]
    targets:
      app: local
      db: { postgres: "postgres://app@127.0.0.1:1/app", password-env: DB_PASS }
`,
);
const runbook = (id: string, body: string, inputs = '') =>
  writeFileSync(join(workspace, `${id}.md`), `---\nid: ${id}\ntitle: ${id}\nversion: 1.0.0\n${inputs}---\n\n# ${id}\n\n${body}`);

runbook('print-env', '## Print the environment\n\n```sh {target=app}\nenv | sort\n```\n');
runbook(
  'quoted',
  "## Greet\n\n```sh {target=app}\necho start\necho 'hello {{ name }}' > " + JSON.stringify(join(root, 'F')) + '\n```\n',
  'inputs:\n  name: { type: string, pattern: "[a-z]+" }\n',
);
runbook(
  'use-token',
  '## Use the token\n\n```sh {target=app}\nprintf "%s" "{{ token }}" | wc -c\n```\n',
  'inputs:\n  token: { type: string, secret: true, pattern: "^.{12,}$" }\n',
);

describe('the environment of a local step', () => {
  it("holds PATH, the inventory's variables and pass-env, and nothing else of Handrail's", () => {
    const result = handrail(['run', 'print-env', '--env', 'dev', '--yes'], {
      ...cli,
      env: { DB_PASS: 'db-Pa55word-unused', UNRELATED_SETTING: 'not-for-steps', HR_TEST_PASSED: 'passed-on' },
    });
    expect(result.code, result.stderr).toBe(0);
    const output = showRun(runIdOf(result.stdout), cli).steps[0]?.output ?? '';
    const names = output.split('\n').map((l) => l.split('=')[0] ?? '');
    expect(`\n${output}`).toContain('\nHR_TEST_PASSED=passed-on\n');
    expect(`\n${output}`).toContain('\nGREETING=hello\n');
    expect(names).toContain('PATH');
    expect(output).not.toContain('db-Pa55word-unused');
    expect(names).not.toContain('DB_PASS');
    expect(names).not.toContain('UNRELATED_SETTING');
    expect(names.filter((name) => name.startsWith('HANDRAIL_'))).toEqual([]);
  });
});

describe('a placeholder where no value is safe', () => {
  it('fails validate at its line:col, with the fix', () => {
    const result = handrail(['validate', 'quoted.md'], cli);
    expect(result.stdout.trim().split('\n')).toEqual([
      `quoted.md:15:13: input 'name' is inside single quotes, where no value is safe: write {{ name }} outside the quotes, e.g. 'abc'"{{ name }}"'def'`,
      '1 file checked: 1 error',
    ]);
    expect(result.code).toBe(1);
  });

  it('is refused by run before anything runs', () => {
    const result = handrail(['run', 'quoted', '--env', 'dev', '--yes', '--input', 'name=abc'], cli);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("quoted.md:15:13: input 'name' is inside single quotes");
    expect(result.stderr).toContain('nothing was executed');
    expect(result.stdout).not.toContain('start');
    expect(existsSync(join(root, 'F'))).toBe(false);
  });
});

describe('the preview of a step', () => {
  it('names a secret input instead of showing it or a quoted form of it', () => {
    const secret = "Pa'ss-w0rd-long";
    const result = handrail(['run', 'use-token', '--env', 'dev', '--yes'], { ...cli, env: { HANDRAIL_INPUT_TOKEN: secret } });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('$ printf "%s" "[secret: token]" | wc -c');
    expect(result.stdout).toMatch(new RegExp(`^${secret.length}$`, 'm'));
    expect(result.stdout).not.toContain("Pa'\\''ss");
    expect(result.stdout).not.toContain('ss-w0rd');
  });
});
