// Guards, confirmations, injection, failures and secrets, through the CLI against real
// shells and real SQLite files in a throwaway workspace.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { handrail, runIdOf, showRun, type CliOptions } from '../support/handrail-cli.js';

const root = mkdtempSync(join(tmpdir(), 'handrail-guards-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const workspace = join(root, 'ws');
const dbPath = join(root, 'app.db');
let cli: CliOptions;
let n = 0;

beforeEach(() => {
  cli = { dataDir: join(root, `data-${++n}`), workspace };
  rmSync(dbPath, { force: true });
  const db = new Database(dbPath);
  db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO t (name) VALUES ('a'), ('b');");
  db.close();
});

mkdirSync(workspace);
writeFileSync(
  join(workspace, 'handrail.yml'),
  `environments:
  dev:
    targets:
      db: { sqlite: ${JSON.stringify(dbPath)} }
      pwdb: { postgres: "postgres://app@127.0.0.1:1/app", password-env: TEST_DB_PASSWORD }
    # A step sees Handrail's own environment only where the inventory passes it on.
    pass-env: [TEST_DB_PASSWORD]
  prod:
    protected: true
    targets:
      db: { sqlite: ${JSON.stringify(dbPath)} }
`,
);
const runbook = (id: string, body: string, inputs = '', environments = '[dev, prod]') =>
  writeFileSync(join(workspace, `${id}.md`), `---\nid: ${id}\ntitle: ${id}\nversion: 1.0.0\nenvironments: ${environments}\n${inputs}---\n\n# ${id}\n\n${body}`);

runbook('dev-only', '## Say hi\n\n```sh {target=local}\necho hi\n```\n', '', '[dev]');
runbook(
  'delete-b',
  "## Delete b\n\n```sql {target=db mutates}\nDELETE FROM t WHERE name = 'b';\n```\n\n## Check\n\n```sql {target=db expect-rows=1}\nSELECT id FROM t;\n```\n",
);
runbook('echo-input', '## Echo\n\n```sh {target=local}\nprintf "%s\\n" {{ name }}\n```\n', 'inputs:\n  name: { type: string }\n');
runbook(
  'sql-input',
  '## Look up\n\n```sql {target=db}\nSELECT count(*) AS n FROM t WHERE name = :name;\n```\n',
  'inputs:\n  name: { type: string }\n',
);
runbook(
  'fails-then-marker',
  `## Expect pilot\n\n\`\`\`sh {target=local expect-output="^pilot-"}\necho app-1\n\`\`\`\n\n## Leave a marker\n\n\`\`\`sh {target=local}\ntouch ${JSON.stringify(join(root, 'marker'))}\n\`\`\`\n`,
);
runbook(
  'secret-then-manual',
  '## Use the token\n\n```sh {target=local}\ntest -n "$HANDRAIL_INPUT_TOKEN" || true\necho used\n```\n\n## Tell the team\n\nSay it is done.\n',
  'inputs:\n  token: { type: string, secret: true, pattern: "^[a-z0-9-]{8,}$" }\n',
);
runbook(
  'leaks-password',
  '## Print the password\n\n```sh {target=local}\nprintf "pw %s\\n" "$TEST_DB_PASSWORD"\n```\n\n## Use the database\n\n```sql {target=pwdb}\nSELECT 1;\n```\n',
  '',
  '[dev]',
);
runbook('loud', '## Print 3 MB\n\n```sh {target=local}\nhead -c 3145728 /dev/zero | tr "\\\\0" x\n```\n');
runbook(
  'leaks-secret',
  '## Print the token\n\n```sh {target=local}\nTOKEN_VALUE={{ token }}\nprintf "plain %s\\n" "$TOKEN_VALUE"\nprintf "%s" "$TOKEN_VALUE" | base64\nprintf "split %s" "$(printf %s "$TOKEN_VALUE" | cut -c1-5)"; sleep 0.2; printf "%s\\n" "$(printf %s "$TOKEN_VALUE" | cut -c6-)"\n```\n',
  'inputs:\n  token: { type: string, secret: true }\n',
);

const runs = () => JSON.parse(handrail(['runs', '--json'], cli).stdout) as { id: string; status: string }[];
const names = () => {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db.prepare('SELECT name FROM t ORDER BY id').pluck().all();
  } finally {
    db.close();
  }
};

describe('guards before anything runs', () => {
  it.each([
    [['run', 'dev-only', '--env', 'prod'], "runbook 'dev-only' may only run in dev — not in 'prod'; nothing was executed"],
    [['run', 'dev-only', '--env', 'staging'], "there is no environment 'staging' in handrail.yml (there are: dev, prod); nothing was executed"],
    [['run', 'echo-input', '--env', 'dev'], "input 'name' is required; pass --input name=VALUE; nothing was executed"],
    [['run', 'nope', '--env', 'dev'], `no runbook 'nope' in ${workspace} (handrail list shows them); nothing was executed`],
  ])('refuses %j with exit 2 and records no run', (args, message) => {
    const result = handrail(args, cli);
    expect(result.stderr.trim()).toBe(`handrail: ${message}`);
    expect(result.code).toBe(2);
    expect(runs()).toEqual([]);
  });

  it('refuses a secret input on the command line', () => {
    const result = handrail(['run', 'leaks-secret', '--env', 'dev', '--input', 'token=hunter2-very-secret'], cli);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("secret input 'token' must not be given on the command line");
    expect(runs()).toEqual([]);
  });
});

describe('protected environments', () => {
  it('needs the environment name typed before a change, and changes nothing without it', () => {
    const refused = handrail(['run', 'delete-b', '--env', 'prod', '--yes'], cli);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toContain("changes the protected environment 'prod'; pass --confirm prod to go ahead");
    expect(names()).toEqual(['a', 'b']);

    const wrong = handrail(['run', 'delete-b', '--env', 'prod', '--confirm', 'dev'], cli);
    expect(wrong.code).toBe(2);
    expect(names()).toEqual(['a', 'b']);

    // The refused runs wait as interrupted and hold the database: resume or abort them first.
    const ok = handrail(['resume', runIdOf(refused.stdout), '--confirm', 'prod'], cli);
    expect(ok.stdout).toContain('PROTECTED ENVIRONMENT: prod');
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(names()).toEqual(['a']);
  });
});

describe('inputs are data, never code', () => {
  it('runs nothing but the intended command in sh', () => {
    const victim = join(root, 'victim');
    mkdirSync(victim, { recursive: true });
    const evil = `x'; rm -rf ${victim}; echo '`;
    const result = handrail(['run', 'echo-input', '--env', 'dev', '--input', `name=${evil}`], cli);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`\n${evil}\n`);
    expect(existsSync(victim)).toBe(true);
  });

  it('binds SQL inputs as parameters', () => {
    const result = handrail(['run', 'sql-input', '--env', 'dev', '--input', "name=a'; DROP TABLE t; --"], cli);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^0\s*$/m);
    expect(names()).toEqual(['a', 'b']);
  });
});

describe('failures', () => {
  it('stops the run at a failed expectation; later steps do not run', () => {
    rmSync(join(root, 'marker'), { force: true });
    const result = handrail(['run', 'fails-then-marker', '--env', 'dev'], cli);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('FAILED at step 1: no line of the output matched expect-output /^pilot-/');
    expect(existsSync(join(root, 'marker'))).toBe(false);
    const shown = showRun(runIdOf(result.stdout), cli);
    expect(shown.run.status).toBe('failed');
    expect(shown.steps.map((s) => s.status)).toEqual(['failed', 'pending']);
    expect(shown.steps[0]?.output).toBe('app-1\n');
  });
});

describe('secrets', () => {
  it('never reach the terminal or any byte of the data directory', () => {
    const secret = 'hunter2-very-secret';
    const result = handrail(['run', 'leaks-secret', '--env', 'dev'], {
      ...cli,
      env: { HANDRAIL_INPUT_TOKEN: secret },
    });
    expect(result.code, result.stderr).toBe(0);
    const printed = result.stdout + result.stderr;
    const forms = [secret, Buffer.from(secret).toString('base64').replace(/=+$/, '')];
    for (const form of forms) expect(printed).not.toContain(form);
    expect(printed).toContain('plain [REDACTED]');
    expect(printed).toContain('split [REDACTED]');
    // Output is stored compressed, so look at it as stored, decompressed, too.
    const stored = showRun(runIdOf(result.stdout), cli).steps[0]?.output ?? '';
    expect(stored).toContain('plain [REDACTED]');
    for (const form of forms) expect(stored).not.toContain(form);
    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)]));
    // Exports are written by the same redacted record: put them in the data dir and scan them too.
    for (const format of ['jsonl', 'md', 'html']) {
      expect(handrail(['audit', 'export', '--format', format, '--out', join(cli.dataDir, `export.${format}`)], cli).code).toBe(0);
    }
    for (const file of files(cli.dataDir)) {
      const bytes = readFileSync(file);
      for (const form of forms) expect(bytes.includes(form), `${file} holds the secret`).toBe(false);
    }
  });
});

describe('records and locks', () => {
  it('records a guard refusal as an event', () => {
    handrail(['run', 'dev-only', '--env', 'prod'], cli);
    const db = new Database(join(cli.dataDir, 'handrail.db'), { readonly: true });
    try {
      const event = db.prepare("SELECT operator, body_json FROM events WHERE kind = 'guard.refused'").get() as { operator: string; body_json: string };
      expect(event.operator).toBe('tester');
      expect(JSON.parse(event.body_json)).toMatchObject({ runbook: 'dev-only', environment: 'prod', reason: expect.stringContaining('may only run in dev') });
    } finally {
      db.close();
    }
  });

  it('refuses a second run that would change a database another run holds, naming it', () => {
    const first = handrail(['run', 'delete-b', '--env', 'prod'], cli);
    expect(first.code).toBe(2); // waiting for --confirm, and holding the database meanwhile
    const holder = runIdOf(first.stdout);
    const second = handrail(['run', 'delete-b', '--env', 'dev'], cli);
    expect(second.code).toBe(2);
    expect(second.stderr).toContain(`is being changed by run ${holder} of tester, which is interrupted`);
    expect(names()).toEqual(['a', 'b']);
  });
});

describe('resuming a run with a secret input', () => {
  it('asks for the secret again (it was never stored) before anything runs', () => {
    const secret = 'tok-12345678';
    const first = handrail(['run', 'secret-then-manual', '--env', 'dev'], { ...cli, env: { HANDRAIL_INPUT_TOKEN: secret } });
    expect(first.code).toBe(2); // waits at the manual step: no terminal, no --yes
    const id = runIdOf(first.stdout);
    const refused = handrail(['resume', id, '--yes'], cli);
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim()).toBe(
      `handrail: run ${id} needs its secret input 'token' again (secrets are never stored); set HANDRAIL_INPUT_TOKEN; nothing was executed`,
    );
    const onArgv = handrail(['resume', id, '--yes', '--input', `token=${secret}`], cli);
    expect(onArgv.code).toBe(2);
    expect(onArgv.stderr).toContain("secret input 'token' must not be given on the command line");
    const resumed = handrail(['resume', id, '--yes'], { ...cli, env: { HANDRAIL_INPUT_TOKEN: secret } });
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
    expect(showRun(id, cli).steps.map((s) => s.status)).toEqual(['succeeded', 'succeeded']);
  });
});

describe('database passwords', () => {
  it('are masked like secret inputs', () => {
    const password = 'pg-pass-Xy9-very-long';
    const result = handrail(['run', 'leaks-password', '--env', 'dev'], { ...cli, env: { TEST_DB_PASSWORD: password } });
    expect(result.stdout).toContain('pw [REDACTED]');
    expect(result.stdout + result.stderr).not.toContain(password);
    expect(showRun(runIdOf(result.stdout), cli).steps[0]?.output).toBe('pw [REDACTED]\n');
  });
});

describe('output', () => {
  it('stores a step\'s output up to the cap, counts the rest and records the cut', () => {
    const result = handrail(['run', 'loud', '--env', 'dev'], { ...cli, env: { HANDRAIL_MAX_OUTPUT_MB: '1' } });
    expect(result.code, result.stderr).toBe(0);
    // The terminal sees everything (the `$ command` line aside).
    expect(result.stdout.split('\n').filter((l) => !l.startsWith('$ ')).join('').match(/x/g)?.length).toBe(3 * 1024 * 1024);
    const id = runIdOf(result.stdout);
    expect(showRun(id, cli).steps[0]?.output.length).toBe(1024 * 1024);
    const db = new Database(join(cli.dataDir, 'handrail.db'), { readonly: true });
    try {
      const cut = db.prepare("SELECT body_json FROM events WHERE kind = 'output.cut' AND run_id = ?").pluck().all(id) as string[];
      expect(cut.map((b) => JSON.parse(b))).toEqual([{ attempt: 1, storedBytes: 1024 * 1024 }]);
    } finally {
      db.close();
    }
  });
});
