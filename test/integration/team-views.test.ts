// The lead's side of the team ledger, through the CLI against a real PostgreSQL: two data
// folders are two machines that run real runbooks with a team configured and ship their
// trails; a third data folder is the lead, logged in with handrail_reader only. The lead
// lists, shows, searches, exports and verifies both machines' runs; a row forged in the
// ledger by its superuser (triggers off) is flagged in the lead's listing.
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handrail, type CliOptions } from '../support/handrail-cli.js';
import { freePort } from '../support/free-port.js';
import { keyFingerprint } from '../../src/core/audit/checkpoint.js';
import { LEDGER_PASSWORD_ENV, psqlAs, type TestLedger } from '../support/team-ledger.js';
import { startTestTeam } from '../support/team-machines.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';

let root: string;
let ledger: TestLedger;
let lead: CliOptions;
let printer: string;
let failer: string;
let machineIdA: string;
let machineIdB: string;

interface TeamPage {
  ledger: string;
  total: number;
  machines: { id: string; name: string; keyFingerprint: string | null; head: number; problems: string[] }[];
  runs: { id: string; machineId: string; machine: string; runbookId: string; operator: string; status: string; verdict: string; problems: string[] }[];
}

function teamRuns(options: CliOptions): { code: number | null; page: TeamPage; stderr: string } {
  const result = handrail(['runs', '--team', '--json'], options);
  expect(result.stdout, result.stderr).not.toBe('');
  return { code: result.code, page: JSON.parse(result.stdout) as TeamPage, stderr: result.stderr };
}

beforeAll(async () => {
  root = await makeTempDir('team-views');
  ({ ledger, lead, printer, failer, machineIdA, machineIdB } = await startTestTeam(root));
}, 120_000);

afterAll(async () => {
  await ledger?.pg.stop();
  if (root) await removeDir(root);
});

describe('a lead reads the team ledger', () => {
  it("lists both machines' runs, rebuilt from their chains, each machine verified against its pinned key", () => {
    const { code, page, stderr } = teamRuns(lead);
    expect(code, stderr).toBe(0);
    expect(page.machines.map((m) => m.problems)).toEqual([[], []]);
    expect(page.total).toBe(2);
    const byId = new Map(page.runs.map((r) => [r.id, r]));
    expect(byId.get(printer)).toMatchObject({ runbookId: 'prints', operator: 'ana', status: 'succeeded', machineId: machineIdA, problems: [] });
    expect(byId.get(failer)).toMatchObject({ runbookId: 'fails', operator: 'bob', status: 'failed', problems: [] });
    const table = handrail(['runs', '--team'], lead);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toContain(printer);
    expect(table.stdout).toContain(failer);
    expect(table.stdout).not.toContain('DOES NOT VERIFY');
    const onA = handrail(['runs', '--team', '--machine', machineIdA, '--json'], lead);
    expect((JSON.parse(onA.stdout) as TeamPage).runs.map((r) => r.id)).toEqual([printer]);
    const onB = handrail(['runs', '--team', '--machine', machineIdB, '--env', 'dev', '--limit', '5', '--json'], lead);
    expect((JSON.parse(onB.stdout) as TeamPage).runs.map((r) => r.id)).toEqual([failer]);
    expect(JSON.parse(handrail(['runs', '--team', '--limit', '1', '--json'], lead).stdout)).toMatchObject({ total: 2, runs: [{}] });
  });

  it("shows a run of another machine with its steps and output, from the ledger (with --team, or when it is not local)", () => {
    const shown = handrail(['show', printer, '--team'], lead);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain('Print a canary');
    expect(shown.stdout).toContain('the quokka-7 canary sang');
    const fallback = handrail(['show', failer, '--json'], lead);
    expect(fallback.code, fallback.stderr).toBe(0);
    expect(fallback.stderr).toMatch(/on this machine; looking in the team ledger/);
    const json = JSON.parse(fallback.stdout) as { run: { status: string; operator: string }; steps: { status: string; exitCode: number | null; output: string }[]; problems: string[] };
    expect(json.run).toMatchObject({ status: 'failed', operator: 'bob' });
    expect(json.steps[0]).toMatchObject({ status: 'failed', exitCode: 3 });
    expect(json.steps[0]?.output).toContain('nothing to see');
    expect(json.problems).toEqual([]);
  });

  it("searches every machine's events and output", () => {
    const found = handrail(['audit', 'search', '--team', 'quokka', '--json'], lead);
    expect(found.code, found.stderr).toBe(0);
    const hits = JSON.parse(found.stdout) as { source: string; runId: string; machineId: string; snippet: string }[];
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ source: 'output', runId: printer, machineId: machineIdA, machineProblems: [] });
    expect(hits[0]?.snippet).toContain('«quokka»');
    const events = handrail(['audit', 'search', '--team', 'fails', '--kind', 'run', '--json'], lead);
    expect(events.code, events.stderr).toBe(0);
    expect((JSON.parse(events.stdout) as { runId: string }[]).map((h) => h.runId)).toContain(failer);
  });

  it('exports each machine as a file that audit verify --file checks against its pinned key, and a report of both runs', () => {
    const out = join(root, 'team-export');
    const exported = handrail(['audit', 'export', '--team', '--format', 'jsonl', '--out', out], lead);
    expect(exported.code, exported.stderr).toBe(0);
    const files = readdirSync(out).filter((f) => f.endsWith('.jsonl'));
    expect(files).toHaveLength(2);
    const keys = [...exported.stderr.matchAll(/--key (SHA256:[0-9a-f]{64})/g)].map((m) => m[1]!);
    expect(keys).toHaveLength(2);
    for (const [i, file] of files.sort().entries()) {
      const key = [...exported.stderr.matchAll(new RegExp(`--file (\\S*${file.replace(/[.]/g, '\\.')}) --key (SHA256:[0-9a-f]{64})`, 'g'))][0];
      expect(key, `${i}: ${exported.stderr}`).toBeDefined();
      const checked = handrail(['audit', 'verify', '--file', key![1]!, '--key', key![2]!], lead);
      expect(checked.code, checked.stderr).toBe(0);
      expect(checked.stdout).toMatch(/export intact/);
    }
    const report = handrail(['audit', 'export', '--team', '--format', 'md'], lead);
    expect(report.code, report.stderr).toBe(0);
    expect(report.stdout).toContain(printer);
    expect(report.stdout).toContain(failer);
    expect(report.stdout).toContain('the quokka-7 canary sang');
    expect(readFileSync(join(out, files[0]!), 'utf8')).toContain('"type":"public-key"');
  });

  it('writes the handover bundle from the team scope: a report per run, the runbooks run, open items, one verifiable export per machine', () => {
    const out = join(root, 'team-handover');
    const written = handrail(['handover', '--team', '--since', '2000-01-01', '--out', out], lead);
    expect(written.code, written.stderr).toBe(0);
    expect(written.stdout).toMatch(/2 runs, 2 runbook versions/);
    const reports = readdirSync(join(out, 'reports'));
    expect(reports).toHaveLength(2);
    const printerReport = readFileSync(join(out, 'reports', reports.find((f) => f.includes(printer))!), 'utf8');
    expect(printerReport).toContain('the quokka-7 canary sang');
    expect(printerReport).toContain('echo "the quokka-7 canary sang"');
    expect(readFileSync(join(out, 'open-items.md'), 'utf8')).toContain(failer);
    const index = readFileSync(join(out, 'README.md'), 'utf8');
    expect(index).toContain('## Team ledger');
    expect(index).toContain(machineIdA);
    const row = /\| `(SHA256:[0-9a-f]{64})` \| \[(audit\/[^\]]+)\]/.exec(index);
    expect(row, index).not.toBeNull();
    const checked = handrail(['audit', 'verify', '--file', join(out, row![2]!), '--key', row![1]!], lead);
    expect(checked.code, checked.stderr).toBe(0);
    const html = handrail(['audit', 'export', '--team', '--format', 'html', '--run', failer], lead);
    expect(html.code, html.stderr).toBe(0);
    expect(html.stdout).toContain('nothing to see');
  });

  it("verifies every machine's whole chain", () => {
    const verified = handrail(['audit', 'verify', '--team'], lead);
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.stdout.match(/: intact, /g)).toHaveLength(2);
  });
});

describe('without a reachable team ledger', () => {
  it('--team with no team configured says so and what to do, exit 2, no stack trace', () => {
    const plain = join(root, 'plain-ws');
    mkdirSync(plain);
    writeFileSync(join(plain, 'handrail.yml'), 'environments:\n  dev:\n    targets: {}\n');
    const result = handrail(['runs', '--team'], { dataDir: join(root, 'lone'), workspace: plain });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/no team ledger is configured/);
    expect(result.stderr).toMatch(/team: \{ postgres: URL, password-env: NAME \}/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('--team with the ledger not answering names it, exit 2, no stack trace', async () => {
    const port = await freePort('127.0.0.1');
    for (const args of [['runs', '--team'], ['audit', 'search', '--team', 'x'], ['audit', 'export', '--team', '--format', 'md'], ['show', printer, '--team']]) {
      const result = handrail(args, { ...lead, env: { ...lead.env, HANDRAIL_TEAM_URL: `postgres://lead@127.0.0.1:${port}/ledger` } });
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(new RegExp(`team ledger at 127\\.0\\.0\\.1:${port}/ledger is not answering`));
      expect(result.stderr).toMatch(/nothing was read/);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('--team with a login that may not read the ledger says which role it needs, exit 2', async () => {
    await ledger.pg.psql("CREATE ROLE stranger LOGIN PASSWORD 'stranger-pw';");
    const result = handrail(['runs', '--team'], { ...lead, env: { ...lead.env, HANDRAIL_TEAM_URL: ledger.login('stranger').url, [LEDGER_PASSWORD_ENV]: 'stranger-pw' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/needs the role handrail_reader/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('--team with the password variable unset says which variable', () => {
    const env = { ...lead.env };
    delete env[LEDGER_PASSWORD_ENV];
    const result = handrail(['runs', '--team'], { ...lead, env: { ...env, [LEDGER_PASSWORD_ENV]: '' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`${LEDGER_PASSWORD_ENV}`));
  });
});

describe('a row forged in the ledger around its triggers', () => {
  it("is flagged in the lead's listing, on its machine and its run, and the other machine stays clean", async () => {
    // The ledger's superuser turns triggers (and foreign keys) off for the session and
    // appends a run that machine A never recorded, with a hash of its own making.
    const head = Number(await ledger.pg.psql(`SELECT max(seq) FROM handrail.audit_events WHERE machine_id = '${machineIdA}'`, { database: ledger.database }));
    await ledger.pg.psql(
      `SET session_replication_role = replica;
       INSERT INTO handrail.audit_events (machine_id, seq, at, operator, machine, app_version, kind, run_id, step_idx, environment, target, body_sha256, prev_hash, hash)
       VALUES ('${machineIdA}', ${head + 1}, '2099-01-01T00:00:00.000Z', 'ana', 'forged', '0.0.0', 'run.started', 'forged-run', NULL, 'dev', NULL,
               '${'a'.repeat(64)}', '${'b'.repeat(64)}', '${'c'.repeat(64)}');
       INSERT INTO handrail.audit_bodies (machine_id, seq, body_json) VALUES ('${machineIdA}', ${head + 1}, '{"runbook":"prints","version":"1.0.0","environment":"dev","inputs":{}}');`,
      { database: ledger.database },
    );
    const { code, page, stderr } = teamRuns(lead);
    expect(code).toBe(3);
    const a = page.machines.find((m) => m.id === machineIdA);
    const b = page.machines.find((m) => m.id !== machineIdA);
    expect(a?.problems.join('\n')).toMatch(new RegExp(`does not verify against its pinned key at event ${head + 1}`));
    expect(b?.problems).toEqual([]);
    const forged = page.runs.find((r) => r.id === 'forged-run');
    expect(forged?.problems.join('\n')).toMatch(/does not verify/);
    expect(page.runs.find((r) => r.id === printer)?.problems.join('\n')).toMatch(/machine .*does not verify/);
    expect(page.runs.find((r) => r.id === failer)?.problems).toEqual([]);
    expect(stderr).toMatch(/cannot be trusted as it stands/);
    const table = handrail(['runs', '--team'], lead);
    expect(table.code).toBe(3);
    expect(table.stdout).toMatch(/forged-run.*DOES NOT VERIFY/);
    const found = handrail(['audit', 'search', '--team', 'quokka', '--json'], lead);
    expect((JSON.parse(found.stdout) as { machineProblems: string[] }[])[0]?.machineProblems.join('\n')).toMatch(/does not verify/);
    expect(found.stderr).toMatch(/cannot be trusted as they stand/);
  });

  it('an event body rewritten in place is flagged on its run, and audit verify --team names the event', async () => {
    const seq = Number(await ledger.pg.psql(
      `SELECT e.seq FROM handrail.audit_events e WHERE e.run_id = '${failer}' AND e.kind = 'step.failed'`,
      { database: ledger.database },
    ));
    await ledger.pg.psql(
      `SET session_replication_role = replica;
       UPDATE handrail.audit_bodies SET body_json = replace(body_json, '3', '0') WHERE seq = ${seq} AND machine_id IN (SELECT machine_id FROM handrail.audit_events WHERE run_id = '${failer}');`,
      { database: ledger.database },
    );
    const { page } = teamRuns(lead);
    expect(page.runs.find((r) => r.id === failer)?.problems.join('\n')).toMatch(new RegExp(`event ${seq} \\(body-edited\\)`));
    const verified = handrail(['audit', 'verify', '--team', '--json'], lead);
    expect(verified.code).toBe(3);
    const result = JSON.parse(verified.stdout) as { machines: { machineId: string; ok: boolean; first: { seq: number; kind: string } | null }[] };
    expect(result.machines.find((m) => m.machineId !== machineIdA)?.first).toMatchObject({ seq, kind: 'body-edited' });
  });
});

describe('a key incident', () => {
  it("is flagged on the machine and its runs in the lead's listing, with the key it offered", async () => {
    // What a machine whose keys/ were replaced does on its next shipment: register again under its id with another key.
    const { publicKey } = generateKeyPairSync('ed25519');
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const registered = await psqlAs(ledger, 'bob', `SELECT status FROM handrail.register_machine('${machineIdB}', 'laptop-b', 'bob', '${pem}', '${keyFingerprint(publicKey)}');`);
    expect(registered.stdout.trim(), registered.stderr).toBe('key-mismatch');
    const { code, page } = teamRuns(lead);
    expect(code).toBe(3);
    const b = page.machines.find((m) => m.id === machineIdB);
    expect(b?.problems.join('\n')).toMatch(new RegExp(`key incident .*offered key ${keyFingerprint(publicKey)}`));
    expect(page.runs.find((r) => r.id === failer)?.problems.join('\n')).toMatch(/key incident/);
    expect(page.machines.find((m) => m.id === machineIdA)?.problems.join('\n')).not.toMatch(/key incident/);
  });
});
