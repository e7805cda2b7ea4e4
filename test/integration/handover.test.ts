// `handrail handover` on a real data directory: a finished run, a reviewed one and one killed
// mid-step. The bundle must hold each run's report, the runbook at the exact bytes that ran,
// open items naming the interrupted run (its step in doubt) and the unreviewed runs, and an
// audit export that verifies from the file alone; it is written whole or not at all.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handrail, handrailChild, runIdOf, type CliOptions } from '../support/handrail-cli.js';
import { onProcessExit } from '../support/exit-cleanup.js';
import { until } from '../support/until.js';

const root = mkdtempSync(join(tmpdir(), 'handrail-handover-'));
const workspace = join(root, 'ws');
const stepPid = join(root, 'step.pid');
const cli: CliOptions = { dataDir: join(root, 'data'), workspace };
const bundle = join(root, 'out', 'bundle');
const ids = { plain: '', reviewed: '', killed: '' };

mkdirSync(workspace);
writeFileSync(join(workspace, 'handrail.yml'), 'environments:\n  dev:\n    targets:\n      app: local\n');
const quick = '---\nid: quick\ntitle: Quick check\nversion: 1.4.0\n---\n\n# Quick check\n\n## Say hello\n\n```sh {target=app}\necho hello\n```\n';
writeFileSync(join(workspace, 'quick.md'), quick);
writeFileSync(
  join(workspace, 'slow.md'),
  `---\nid: slow\ntitle: Slow change\nversion: 1.0.0\n---\n\n# Slow change\n\n## Wait for the change\n\n\`\`\`sh {target=app}\necho $$ > ${JSON.stringify(stepPid)}\nsleep 30\n\`\`\`\n`,
);

/** Kills the step's whole process group (it outlives the CLI's SIGKILL). */
function killStep(): void {
  try {
    process.kill(-Number(readFileSync(stepPid, 'utf8')), 'SIGKILL');
  } catch {
    // already gone
  }
}
const unregister = onProcessExit(killStep);

beforeAll(async () => {
  ids.plain = runIdOf(handrail(['run', 'quick', '--env', 'dev'], cli).stdout);
  ids.reviewed = runIdOf(handrail(['run', 'quick', '--env', 'dev'], cli).stdout);
  expect(handrail(['audit', 'review', ids.reviewed, '--note', 'output as expected'], cli).code).toBe(0);
  // Killed mid-step, as a crash would: the run is interrupted, its step in doubt.
  const child = handrailChild(['run', 'slow', '--env', 'dev'], cli);
  let stdout = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  await until('the step wrote its pid file', () => existsSync(stepPid), 400);
  expect(existsSync(stepPid)).toBe(true);
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  killStep();
  ids.killed = runIdOf(stdout);
  const result = handrail(['handover', '--since', '2020-01-01', '--out', bundle], cli);
  expect(result.code, result.stderr).toBe(0);
  expect(result.stdout).toContain(`wrote ${bundle}: 3 runs, 2 runbook versions, 3 open items`);
}, 60_000);
afterAll(() => {
  unregister();
  rmSync(root, { recursive: true, force: true });
});

const read = (name: string) => readFileSync(join(bundle, name), 'utf8');

describe('handover bundle', () => {
  it('holds a report per run, the runbooks as they ran, open items, the audit export and an index', () => {
    const files = readdirSync(bundle, { recursive: true, encoding: 'utf8' }).sort();
    expect(files).toEqual(
      [
        'README.md',
        'audit.jsonl',
        'open-items.md',
        'reports',
        ...Object.values(ids).map((id) => `reports/${id}.md`),
        'runbooks',
        'runbooks/quick@1.4.0.md',
        'runbooks/slow@1.0.0.md',
      ].sort(),
    );
    expect(read('runbooks/quick@1.4.0.md')).toBe(quick);
    const report = read(`reports/${ids.reviewed}.md`);
    expect(report).toContain('- Runbook: quick 1.4.0');
    expect(report).toContain('echo hello');
    expect(report).toMatch(/### Reviews\n\n- tester on .*: output as expected/);
    const index = read('README.md');
    expect(index).toContain(`[${ids.killed}](reports/${ids.killed}.md) | slow 1.0.0 | dev | interrupted | tester |`);
    expect(index).toContain('3 open items — read this first');
    expect(statSync(bundle).mode & 0o777).toBe(0o700);
    expect(statSync(join(bundle, 'audit.jsonl')).mode & 0o777).toBe(0o600);
  });

  it('lists the interrupted run with its in-doubt step, and the runs nobody reviewed', () => {
    const open = read('open-items.md');
    const section = (title: string) => open.split('\n## ').find((part) => part.startsWith(title)) ?? '';
    const interrupted = section('Interrupted runs (1)');
    expect(interrupted).toContain(`**${ids.killed} — slow 1.0.0 in dev**`);
    expect(interrupted).toContain('**In doubt:** step 1 (Wait for the change) was running when Handrail stopped');
    expect(interrupted).toContain(`handrail resume ${ids.killed}`);
    const unreviewed = section('Runs without a review (2)');
    expect(unreviewed).toContain(`**${ids.plain} — quick 1.4.0 in dev**`);
    expect(unreviewed).toContain(`**${ids.killed} — slow 1.0.0 in dev**`);
    expect(unreviewed).not.toContain(ids.reviewed);
  });

  it('carries an audit export that verifies from the file alone', () => {
    const result = handrail(['audit', 'verify', '--file', join(bundle, 'audit.jsonl')], { dataDir: join(root, 'elsewhere') });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^export intact: \d+ events, \d+ checkpoints/);
    expect(existsSync(join(root, 'elsewhere'))).toBe(false);
  });

  it('is recorded in the audit trail', () => {
    const db = new Database(join(cli.dataDir, 'handrail.db'), { readonly: true });
    try {
      const body = db
        .prepare("SELECT b.body_json FROM audit_events e JOIN audit_bodies b ON b.seq = e.seq WHERE e.kind = 'handover.written'")
        .pluck()
        .get() as string;
      expect(JSON.parse(body)).toMatchObject({ out: bundle, runs: 3, runbooks: 2, openItems: 3 });
    } finally {
      db.close();
    }
  });

  it('refuses a folder that is not empty, leaving it and its parent as they were', () => {
    const before = read('README.md');
    const result = handrail(['handover', '--since', '2020-01-01', '--out', bundle], cli);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe(`handrail: ${bundle} already exists and is not empty; nothing was written. Give --out a new or empty folder for the handover bundle.`);
    expect(read('README.md')).toBe(before);
    expect(readdirSync(join(root, 'out'))).toEqual(['bundle']);
  });

  it('writes into an empty folder, and leaves out runs before the period', () => {
    const empty = join(root, 'out', 'later');
    mkdirSync(empty);
    const result = handrail(['handover', '--since', '2999-01-01', '--until', '2999-12-31', '--out', empty], cli);
    expect(result.code, result.stderr).toBe(0);
    expect(readdirSync(empty).sort()).toEqual(['README.md', 'audit.jsonl', 'open-items.md']);
    // Still open, whenever it started: the interrupted run holds its hold until someone acts.
    expect(readFileSync(join(empty, 'open-items.md'), 'utf8')).toContain(`**${ids.killed} — slow 1.0.0 in dev**`);
  });
});
