// Runbook version history through the CLI, against a real data directory: a runbook changed
// without a version bump is rejected by `validate` (at its `version` key) and refused by
// `run` with nothing executed; a bump is accepted; `history` lists what was run and saved;
// `diff` prints a unified diff between two versions.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { RunbookVersions } from '../../src/app/runbook-versions.js';
import { MIGRATIONS } from '../../src/store/known-migrations.js';
import { migrate } from '../../src/store/migrate.js';
import { openAppDatabase } from '../../src/store/open-database.js';
import { handrail, type CliOptions } from '../support/handrail-cli.js';

const root = mkdtempSync(join(tmpdir(), 'handrail-versions-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const workspace = join(root, 'ws');
const marker = join(root, 'marker');
const cli: CliOptions = { dataDir: join(root, 'data'), workspace, cwd: workspace };
const file = join(workspace, 'probe.md');

mkdirSync(workspace);
writeFileSync(join(workspace, 'handrail.yml'), 'environments:\n  dev:\n    targets:\n      app: local\n');
const probe = (version: string, word: string) =>
  `---\nid: probe\ntitle: Probe\nversion: ${version}\nowner: ops\n---\n\n# Probe\n\n## Leave a marker\n\n\`\`\`sh {target=app}\necho ${word} > ${JSON.stringify(marker)}\n\`\`\`\n`;

type History = { runbook: string; workspace: { version: string; sha256: string; recorded: boolean } | null; versions: { version: string; sha256: string; reason: string; recordedBy: string }[] };
const history = () => {
  const result = handrail(['history', 'probe', '--json'], cli);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as History;
};
const runs = () => JSON.parse(handrail(['runs', '--json'], cli).stdout) as { id: string; runbookVersion: string }[];

describe('changed without a bump', () => {
  it('validates without a data directory, and creates none', () => {
    writeFileSync(file, probe('2.1.0', 'one'));
    const result = handrail(['validate'], cli);
    expect(result.stdout, result.stderr).toContain('2 files checked: valid');
    expect(result.code).toBe(0);
    expect(existsSync(cli.dataDir)).toBe(false);
  });

  it('records the version a run used', () => {
    expect(handrail(['run', 'probe', '--env', 'dev'], cli).code).toBe(0);
    expect(readFileSync(marker, 'utf8')).toBe('one\n');
    const h = history();
    expect(h.versions).toMatchObject([{ version: '2.1.0', reason: 'run', recordedBy: 'tester' }]);
    expect(h.workspace).toMatchObject({ version: '2.1.0', recorded: true });
  });

  it('is rejected by validate at the version key, with exit 1', () => {
    writeFileSync(file, probe('2.1.0', 'two'));
    const result = handrail(['validate'], cli);
    expect(result.code).toBe(1);
    expect(result.stdout.split('\n')).toContain('probe.md:4:1: content changed but version 2.1.0 was already recorded; bump the version');
    const json = JSON.parse(handrail(['validate', 'probe.md', '--json'], cli).stdout) as { problems: unknown[] };
    expect(json.problems).toEqual([
      { path: 'probe.md', line: 4, col: 1, severity: 'error', message: 'content changed but version 2.1.0 was already recorded; bump the version' },
    ]);
  });

  it('is refused by run with exit 2, and nothing is executed or recorded as a run', () => {
    rmSync(marker);
    const result = handrail(['run', 'probe', '--env', 'dev'], cli);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe('handrail: probe.md:4:1: content changed but version 2.1.0 was already recorded; bump the version; nothing was executed');
    expect(existsSync(marker)).toBe(false);
    expect(runs()).toHaveLength(1);
    expect(history().versions).toHaveLength(1);
  });

  it('is accepted once the version is bumped, and the run records the new version', () => {
    writeFileSync(file, probe('2.1.1', 'two'));
    expect(handrail(['validate'], cli).code).toBe(0);
    expect(handrail(['run', 'probe', '--env', 'dev'], cli).code).toBe(0);
    expect(readFileSync(marker, 'utf8')).toBe('two\n');
    expect(history().versions.map((v) => [v.version, v.reason])).toEqual([
      ['2.1.1', 'run'],
      ['2.1.0', 'run'],
    ]);
  });
});

describe('history', () => {
  it('lists a saved version with who saved it, newest first, by id or by path', () => {
    const app = openAppDatabase(cli.dataDir);
    try {
      const versions = new RunbookVersions(app.db);
      const saved = Buffer.from(probe('2.2.0', 'three'));
      expect(versions.record({ runbookId: 'probe', version: '2.2.0', source: saved, reason: 'saved', operator: 'ana' })).toEqual({ stored: true });
      // The same bytes again change nothing; other bytes under a stored version are refused.
      expect(versions.record({ runbookId: 'probe', version: '2.2.0', source: saved, reason: 'run', operator: 'bo' })).toEqual({ stored: false });
      expect(() => versions.record({ runbookId: 'probe', version: '2.2.0', source: Buffer.from(probe('2.2.0', 'four')), reason: 'saved', operator: 'bo' })).toThrow(
        'content changed but version 2.2.0 was already recorded; bump the version',
      );
    } finally {
      app.close();
    }
    expect(history().versions.map((v) => [v.version, v.reason, v.recordedBy])).toEqual([
      ['2.2.0', 'saved', 'ana'],
      ['2.1.1', 'run', 'tester'],
      ['2.1.0', 'run', 'tester'],
    ]);
    const text = handrail(['history', 'probe.md'], cli);
    expect(text.code, text.stderr).toBe(0);
    const lines = text.stdout.split('\n');
    expect(lines[0]).toBe('probe: 3 versions, newest first');
    expect(lines[1]).toMatch(/^VERSION\s+SHA256\s+REASON\s+WHEN\s+WHO$/);
    expect(lines[2]).toMatch(/^2\.2\.0\s+[0-9a-f]{12}\s+saved\s+\d{4}-\d\d-\d\dT\S+Z\s+ana$/);
    expect(text.stdout).toMatch(/workspace: probe\.md is version 2\.1\.1 \([0-9a-f]{12}\), recorded above/);
  });

  it('refuses a runbook that is neither in the workspace nor recorded (exit 2)', () => {
    const result = handrail(['history', 'nope'], cli);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("no runbook 'nope'");
  });
});

describe('diff', () => {
  it('prints a unified diff between two recorded versions', () => {
    const result = handrail(['diff', 'probe', '2.1.0', '2.1.1'], cli);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(/^--- probe@2\.1\.0 \([0-9a-f]{12}\)$/);
    expect(lines[1]).toMatch(/^\+\+\+ probe@2\.1\.1 \([0-9a-f]{12}\)$/);
    expect(lines[2]).toMatch(/^@@ -\d+,\d+ \+\d+,\d+ @@$/);
    expect(lines).toContain('-version: 2.1.0');
    expect(lines).toContain('+version: 2.1.1');
    expect(lines).toContain(`-echo one > ${JSON.stringify(marker)}`);
    expect(lines).toContain(`+echo two > ${JSON.stringify(marker)}`);
    expect(lines).toContain(' owner: ops');
  });

  it('compares a version by SHA-256 prefix with the file as it is in the workspace', () => {
    const sha = history().versions.find((v) => v.version === '2.2.0')?.sha256.slice(0, 12) ?? '';
    const result = handrail(['diff', 'probe', sha, 'workspace'], cli);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('+++ probe.md (workspace)');
    expect(result.stdout).toContain('-version: 2.2.0\n+version: 2.1.1');
  });

  it('names the recorded versions when asked for one that is not, in one line, exit 2', () => {
    const result = handrail(['diff', 'probe', '2.1.0', '9.9.9'], cli);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      "handrail: runbook 'probe' has no recorded version '9.9.9' (recorded: 2.2.0, 2.1.1, 2.1.0; handrail history probe lists them); nothing was compared\n",
    );
  });
});

describe('a data directory from before version history', () => {
  const old = { ...cli, dataDir: join(root, 'old-data') };
  const ran = Buffer.from(probe('2.1.1', 'two'));

  it('is read, not upgraded, by validate, and its runs count as recorded versions', () => {
    mkdirSync(old.dataDir);
    const path = join(old.dataDir, 'handrail.db');
    const db = new Database(path);
    try {
      db.pragma('journal_mode = WAL');
      migrate(db, path, MIGRATIONS.filter((m) => m.name < '0006'));
      // A run row as a build of that time wrote it: today's RunStore writes columns (incident) that schema lacks.
      db.prepare(
        `INSERT INTO runs (id, runbook_id, runbook_version, runbook_sha256, runbook_path, runbook_source, environment, operator, status, inputs_json, pid, host, started_at)
         VALUES ('old-run', 'probe', '2.1.1', ?, 'probe.md', ?, 'dev', 'old-timer', 'succeeded', '{}', NULL, NULL, '2026-01-01T00:00:00.000Z')`,
      ).run(createHash('sha256').update(ran).digest('hex'), ran);
    } finally {
      db.close();
    }
    writeFileSync(file, probe('2.1.1', 'changed'));
    const result = handrail(['validate', 'probe.md'], old);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('probe.md:4:1: content changed but version 2.1.1 was already recorded; bump the version');
    const check = new Database(path, { readonly: true });
    try {
      expect(check.prepare('SELECT max(id) FROM _migrations').pluck().get()).toBe(5);
    } finally {
      check.close();
    }
  });

  it('copies the runs into the history when it is upgraded', () => {
    writeFileSync(file, probe('2.1.1', 'two'));
    const result = handrail(['history', 'probe', '--json'], old);
    expect(result.code, result.stderr).toBe(0);
    expect((JSON.parse(result.stdout) as History).versions).toMatchObject([{ version: '2.1.1', reason: 'run', recordedBy: 'old-timer' }]);
  });
});
