// `handrail plan` on every demo runbook, through the CLI: each step resolved (the target as
// the environment defines it, the command with its inputs in), no secret anywhere in what it
// prints or writes, and nothing changed: no data folder written, no database created, no
// server contacted.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO, handrail } from '../support/handrail-cli.js';

const root = mkdtempSync(join(tmpdir(), 'handrail-plan-'));
let n = 0;
const freshData = () => join(root, `data-${++n}`);

interface DemoRunbook {
  file: string;
  id: string;
  environments: string[];
  source: string;
}

const demoRunbooks: DemoRunbook[] = readdirSync(DEMO)
  .filter((f) => f.endsWith('.md'))
  .map((file) => {
    const source = readFileSync(join(DEMO, file), 'utf8');
    const id = /^id: (.+)$/m.exec(source)?.[1] ?? '';
    const environments = (/^environments: \[(.+)\]$/m.exec(source)?.[1] ?? '').split(',').map((s) => s.trim());
    return { file, id, environments, source };
  });

/** What each step's heading is, in order, as the plan numbers them. */
const stepTitles = (source: string) => [...source.matchAll(/^## (.+)$/gm)].map((m) => m[1] ?? '');

describe('handrail plan on the demo runbooks', () => {
  it('covers every demo runbook', () => {
    expect(demoRunbooks.map((r) => r.id).sort()).toEqual(['check-migrations', 'deploy-release', 'disk-full-triage', 'incident-triage', 'replay-dead-letters', 'reset-pilot']);
  });

  it.each(demoRunbooks.map((r) => [r.id, r] as const))('%s in local-demo: every step, its resolved target, inputs substituted; nothing written', (_id, runbook) => {
    const dataDir = freshData();
    const result = handrail(['plan', runbook.id, '--env', 'local-demo'], { dataDir });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const out = result.stdout;
    expect(out).toContain(`Runbook: ${runbook.id} 1.0.0`);
    expect(out).toContain('Environment: local-demo\n');
    expect(out).toMatch(/^Plan id: [0-9a-f]{64}$/m);
    const titles = stepTitles(runbook.source);
    titles.forEach((title, i) => expect(out).toContain(`Step ${i + 1} of ${titles.length}: ${title}`));
    if (/target=events/.test(runbook.source)) expect(out).toContain(`events = sqlite ${join(dataDir, 'demo', 'events.db')}`);
    if (/target=app/.test(runbook.source)) expect(out).toContain('app = local (this machine)');
    // Every placeholder is filled in with the input's value (the defaults here).
    expect(out).not.toMatch(/\{\{/);
    if (/\{\{ release \}\}/.test(runbook.source)) expect(out).toContain('    | release=1.4.2\n');
    if (/\$\{data_dir\}/.test(readFileSync(join(DEMO, 'handrail.yml'), 'utf8'))) expect(out).toContain(`DEPLOY_ROOT=${join(dataDir, 'demo', 'app')}`);
    // Nothing was written: not the data folder, not the practice database.
    expect(existsSync(dataDir)).toBe(false);
  });

  it('binds SQL inputs as shown parameters and names the snapshot a mutating step takes', () => {
    const result = handrail(['plan', 'replay-dead-letters', '--env', 'local-demo', '--input', 'topic=notifications.push'], { dataDir: freshData() });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('    :topic = "notifications.push"');
    expect(result.stdout).toContain('Step 4 of 8: Copy the messages back into the outbox\n  Kind: sql on events');
    expect(result.stdout).toMatch(/Step 4 of 8[^]*?Changes: events \(each snapshotted and the snapshot verified before the step runs\)/);
    expect(result.stdout).toMatch(/Step 1 of 8[^]*?Changes: nothing \(read-only\)/);
  });

  it.each(demoRunbooks.filter((r) => r.environments.includes('production')).map((r) => [r.id, r] as const))(
    '%s in production: SSH host and PostgreSQL database resolved from the inventory without connecting; typed confirmations; no password',
    (_id, runbook) => {
      const dataDir = freshData();
      const result = handrail(['plan', runbook.id, '--env', 'production'], { dataDir, env: { PROD_PG_PASSWORD: 'pg-Pa55word-never-shown' } });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const out = result.stdout;
      expect(out).toContain('Environment: production (protected');
      if (/target=app/.test(runbook.source)) expect(out).toContain('app = ssh deploy@app-1.example.net:22 (ssh-agent)');
      if (/target=events/.test(runbook.source)) expect(out).toContain('events = postgres postgres://app@db-1.example.net:5432/app (password from $PROD_PG_PASSWORD)');
      if (/mutates/.test(runbook.source)) expect(out).toContain("Confirmation: the environment's name typed: production (--confirm production)");
      expect(out).not.toContain('pg-Pa55word-never-shown');
      expect(existsSync(dataDir)).toBe(false);
    },
  );

  it('refuses where the run would be refused (exit 2), and writes nothing', () => {
    const dataDir = freshData();
    const result = handrail(['plan', 'reset-pilot', '--env', 'production'], { dataDir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("runbook 'reset-pilot' may only run in pilot, local-demo");
    expect(existsSync(dataDir)).toBe(false);
  });
});

describe('a plan with secrets', () => {
  const workspace = join(root, 'secrets-ws');
  mkdirSync(workspace);
  writeFileSync(
    join(workspace, 'handrail.yml'),
    'environments:\n  prod:\n    protected: true\n    targets:\n      app: local\n      db: { postgres: "postgres://app@db.invalid:5432/app", password-env: DB_PASSWORD }\n',
  );
  writeFileSync(
    join(workspace, 'rotate.md'),
    [
      '---',
      'id: rotate',
      'title: Rotate the API token',
      'version: 1.0.0',
      'inputs:',
      '  account:',
      '    type: string',
      '    pattern: "^[a-z0-9-]+$"',
      '  token:',
      '    type: string',
      '    secret: true',
      '---',
      '',
      '## Tell the service',
      '',
      '```sh {target=app}',
      'curl -sf -H "Authorization: Bearer {{ token }}" https://api.invalid/accounts/{{ account }}/rotate',
      '```',
      '',
      '## Store it',
      '',
      '```sql {target=db mutates}',
      'UPDATE accounts SET token = :token WHERE name = :account;',
      '```',
      '',
      '## Check it',
      '',
      '```http',
      'POST https://api.invalid/check/{{ account }}',
      'Content-Type: application/json',
      '',
      '{"token": "{{ token }}"}',
      '```',
      '',
    ].join('\n'),
  );
  const SECRET = 'tok-Very-Secret-0042';
  const options = () => ({ dataDir: freshData(), workspace, env: { HANDRAIL_INPUT_TOKEN: SECRET, DB_PASSWORD: 'db-Pa55-hidden' } });
  const leaks = (text: string) => [SECRET, Buffer.from(SECRET).toString('base64'), encodeURIComponent(SECRET), 'db-Pa55-hidden'].filter((form) => text.includes(form));

  it('shows each secret as [secret: name] with a hash, in sh, SQL and HTTP alike, and never its value', () => {
    const result = handrail(['plan', 'rotate', '--env', 'prod', '--input', 'account=acme-1'], options());
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('curl -sf -H "Authorization: Bearer [secret: token]" https://api.invalid/accounts/acme-1/rotate');
    expect(result.stdout).toContain('    :token = [secret: token]');
    expect(result.stdout).toContain('    | POST https://api.invalid/check/acme-1');
    expect(result.stdout).toContain('    | {"token": "[secret: token]"}');
    expect(result.stdout).toMatch(/ {2}token = \[secret: token\] sha256:[0-9a-f]{64}\n/);
    expect(leaks(result.stdout + result.stderr)).toEqual([]);
  });

  it('writes with --out exactly the canonical text, whose SHA-256 is the plan id, and --json carries the same', () => {
    const out = join(root, `plan-${++n}.txt`);
    const written = handrail(['plan', 'rotate', '--env', 'prod', '--input', 'account=acme-1', '--out', out], options());
    expect(written.code).toBe(0);
    const bytes = readFileSync(out);
    const id = createHash('sha256').update(bytes).digest('hex');
    expect(written.stdout).toContain(`Plan id: ${id}`);
    expect(written.stdout).not.toContain('Step 1 of 3');
    expect(bytes.toString('utf8').startsWith('Handrail plan, format 1\n')).toBe(true);
    expect(leaks(bytes.toString('utf8'))).toEqual([]);
    const json = handrail(['plan', 'rotate', '--env', 'prod', '--input', 'account=acme-1', '--json'], options());
    const parsed = JSON.parse(json.stdout) as { id: string; text: string; plan: { steps: unknown[] } };
    expect(parsed.id).toBe(id);
    expect(parsed.text).toBe(bytes.toString('utf8'));
    expect(parsed.plan.steps).toHaveLength(3);
    expect(leaks(json.stdout)).toEqual([]);
  });

  it('a changed secret gives another plan id', () => {
    const id = (token: string) => /Plan id: (\w+)/.exec(handrail(['plan', 'rotate', '--env', 'prod', '--input', 'account=acme-1'], { ...options(), env: { HANDRAIL_INPUT_TOKEN: token } }).stdout)?.[1];
    expect(id(SECRET)).toBeDefined();
    expect(id(SECRET)).toBe(id(SECRET));
    expect(id(`${SECRET}x`)).not.toBe(id(SECRET));
  });

  it('refuses a secret given on the command line (exit 2)', () => {
    const result = handrail(['plan', 'rotate', '--env', 'prod', '--input', 'account=acme-1', '--input', `token=${SECRET}`], options());
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("secret input 'token' must not be given on the command line");
    expect(result.stdout).toBe('');
  });
});
