// An incident id bound into a run (`run --incident`): kept on the run and in its run.started
// event, found by `runs --incident` and `audit search --incident`, shown by `show` and the
// handover reports; a bad id is refused before anything runs; a row moved to another incident
// behind Handrail's back is named as edited.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { handrail, runIdOf, type CliOptions } from '../support/handrail-cli.js';

const root = mkdtempSync(join(tmpdir(), 'handrail-incident-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const workspace = join(root, 'ws');
mkdirSync(workspace);
writeFileSync(join(workspace, 'handrail.yml'), 'environments:\n  dev:\n    targets:\n      app: local\n');
writeFileSync(join(workspace, 'probe.md'), '---\nid: probe\ntitle: Probe\nversion: 1.0.0\n---\n\n## Say\n\n```sh {target=app}\necho probing the pool\n```\n');

let cli: CliOptions;
let n = 0;
beforeEach(() => {
  cli = { dataDir: join(root, `data-${++n}`), workspace };
});

const start = (...extra: string[]) => handrail(['run', 'probe', '--env', 'dev', '--yes', ...extra], cli);

describe('run --incident', () => {
  it('binds the id into the run: runs, show, search and both reports carry it', () => {
    const first = start('--incident', 'INC-4711');
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^Incident INC-4711$/m);
    const id = runIdOf(first.stdout);
    const other = start();
    expect(other.code, other.stderr).toBe(0);
    const otherId = runIdOf(other.stdout);

    const listed = handrail(['runs', '--incident', 'INC-4711', '--json'], cli);
    expect(listed.code, listed.stderr).toBe(0);
    expect((JSON.parse(listed.stdout) as { id: string; incident: string }[]).map((r) => [r.id, r.incident])).toEqual([[id, 'INC-4711']]);
    const table = handrail(['runs'], cli);
    expect(table.stdout).toContain('INC-4711');
    expect(table.stdout).toContain(otherId);

    const shown = handrail(['show', id], cli);
    expect(shown.stdout).toContain('Incident INC-4711');
    expect((JSON.parse(handrail(['show', id, '--json'], cli).stdout) as { run: { incident: string } }).run.incident).toBe('INC-4711');

    const hits = JSON.parse(handrail(['audit', 'search', 'probing', '--incident', 'INC-4711', '--json'], cli).stdout) as { runId: string }[];
    expect(hits.length).toBeGreaterThan(0);
    expect(new Set(hits.map((h) => h.runId))).toEqual(new Set([id]));
    const started = JSON.parse(handrail(['audit', 'search', 'probe', '--kind', 'run.started', '--incident', 'INC-4711', '--json'], cli).stdout) as { runId: string }[];
    expect(started.map((h) => h.runId)).toEqual([id]);

    const md = handrail(['audit', 'export', '--run', id, '--format', 'md'], cli);
    expect(md.stdout).toMatch(/Incident: INC-4711/);
    const html = handrail(['audit', 'export', '--run', id, '--format', 'html'], cli);
    expect(html.stdout).toContain('INC-4711');

    const bundle = join(root, `handover-${n}`);
    const handover = handrail(['handover', '--since', '2000-01-01', '--out', bundle], cli);
    expect(handover.code, handover.stderr).toBe(0);
    expect(readFileSync(join(bundle, 'README.md'), 'utf8')).toContain('probe 1.0.0 (incident INC-4711)');
    expect(readFileSync(join(bundle, 'reports', `${id}.md`), 'utf8')).toContain('- Incident: INC-4711');
  });

  it('refuses an id with control characters or past the length limit, before anything runs', () => {
    for (const bad of ['INC-1\u001b]0;pwned\u0007', 'x'.repeat(129), '  ', 'INC\u202e1']) {
      const refused = start('--incident', bad);
      expect(refused.code, refused.stderr).toBe(2);
      expect(refused.stderr).toMatch(/incident id/);
      expect(refused.stdout).not.toMatch(/Run \d/);
    }
    expect(handrail(['runs', '--json'], cli).stdout.trim()).toBe('[]');
  });

  it('escapes an incident id in the HTML report', () => {
    const run = start('--incident', '<img src=x onerror=alert(1)>');
    expect(run.code, run.stderr).toBe(0);
    const html = handrail(['audit', 'export', '--run', runIdOf(run.stdout), '--format', 'html'], cli);
    expect(html.stdout).not.toContain('<img src=x');
    expect(html.stdout).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('names a run row moved to another incident as edited, and shows the trail’s id', () => {
    const run = start('--incident', 'INC-1');
    const id = runIdOf(run.stdout);
    const db = new Database(join(cli.dataDir, 'handrail.db'));
    db.prepare('UPDATE runs SET incident = ? WHERE id = ?').run('INC-2', id);
    db.close();
    const listed = handrail(['runs', '--incident', 'INC-2'], cli);
    expect(listed.code).toBe(3);
    expect(listed.stderr).toContain(`runs row ${id}: incident says INC-2, the audit trail says INC-1 — the row was edited`);
    const shown = handrail(['show', id], cli);
    expect(shown.code).toBe(3);
    expect(shown.stdout).toContain('Incident INC-1');
    // Found by the id the trail holds, too, whatever the row says.
    expect(handrail(['runs', '--incident', 'INC-1'], cli).stdout).toContain(id);
    const verified = handrail(['audit', 'verify'], cli);
    expect(verified.code).toBe(3);
    expect(verified.stdout + verified.stderr).toContain('incident says INC-2, the audit trail says INC-1');
  });

  it('a resume keeps the run’s incident', () => {
    writeFileSync(join(workspace, 'fails.md'), '---\nid: fails\ntitle: Fails once\nversion: 1.0.0\n---\n\n## Try\n\n```sh {target=app}\ntest -e "$HOME/.ok" || exit 3\n```\n');
    const home = join(root, `home-${n}`);
    mkdirSync(home);
    const env = { HOME: home };
    const failed = handrail(['run', 'fails', '--env', 'dev', '--yes', '--incident', 'INC-9'], { ...cli, env });
    expect(failed.code).toBe(1);
    const id = runIdOf(failed.stdout);
    writeFileSync(join(home, '.ok'), '');
    const resumed = handrail(['resume', id, '--yes'], { ...cli, env });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(handrail(['show', id], cli).stdout).toContain('Incident INC-9');
    expect(handrail(['resume', id, '--incident', 'INC-10'], cli).code).toBe(2);
  });
});
