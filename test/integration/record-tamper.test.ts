// What Handrail shows and restores is checked against the audit chain: rows edited in the
// SQLite file by someone with write access to it (as an attacker would, with better-sqlite3)
// are named as tampering by `runs`, `show`, the report, the console and `audit verify`, and
// `restore` never writes a swapped snapshot, or writes into a database other than the one
// the snapshot was taken of.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { ConsoleService } from '../../src/app/console/console-service.js';
import { handrail, runIdOf, type CliOptions } from '../support/handrail-cli.js';
import { settingsFor } from './console-support.js';

const root = mkdtempSync(join(tmpdir(), 'handrail-record-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const workspace = join(root, 'ws');
const dbPath = join(root, 'shop.db');
mkdirSync(workspace);

const inventory = (shop: string) =>
  writeFileSync(join(workspace, 'handrail.yml'), `environments:\n  dev:\n    targets:\n      app: local\n      shop: { sqlite: ${JSON.stringify(shop)} }\n`);
writeFileSync(join(workspace, 'fail.md'), '---\nid: fail\ntitle: Fails\nversion: 1.0.0\n---\n\n## Break\n\n```sh {target=app}\necho about to fail\nexit 3\n```\n');
writeFileSync(
  join(workspace, 'purge.md'),
  '---\nid: purge\ntitle: Purge old orders\nversion: 1.0.0\n---\n\n## Purge\n\n```sql {target=shop mutates}\nDELETE FROM orders WHERE id <= 3;\n```\n',
);
const probe = (version: string, word: string) => `---\nid: probe\ntitle: Probe\nversion: ${version}\n---\n\n## Say\n\n\`\`\`sh {target=app}\necho ${word}\n\`\`\`\n`;

let cli: CliOptions;
let n = 0;
beforeEach(() => {
  cli = { dataDir: join(root, `data-${++n}`), workspace };
  inventory(dbPath);
  makeShop(dbPath, 'item');
});

function makeShop(path: string, prefix: string) {
  rmSync(path, { force: true });
  const db = new Database(path);
  db.exec(`CREATE TABLE orders (id INTEGER PRIMARY KEY, item TEXT); INSERT INTO orders (item) VALUES ${[1, 2, 3, 4, 5].map((i) => `('${prefix}-${i}')`).join(', ')};`);
  db.close();
}

const items = (path: string) => {
  const db = new Database(path, { readonly: true });
  try {
    return (db.prepare('SELECT item FROM orders ORDER BY id').pluck().all() as string[]).join(',');
  } finally {
    db.close();
  }
};

/** Edits the app database directly, as someone with write access to the file would. */
function tamper(fn: (db: Database.Database) => void) {
  const db = new Database(join(cli.dataDir, 'handrail.db'));
  try {
    fn(db);
  } finally {
    db.close();
  }
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

function failedRun(): string {
  const result = handrail(['run', 'fail', '--env', 'dev'], cli);
  expect(result.code, result.stdout + result.stderr).toBe(1);
  return runIdOf(result.stdout);
}

describe('a runs row edited after the run (a)', () => {
  const forge = (id: string) => tamper((db) => db.prepare("UPDATE runs SET status = 'succeeded', operator = 'alice' WHERE id = ?").run(id));

  it('`runs` and `show` show the audit trail’s values and name the edited row', () => {
    const id = failedRun();
    forge(id);

    const runs = handrail(['runs'], cli);
    expect(runs.code).toBe(3);
    const line = runs.stdout.split('\n').find((l) => l.startsWith(id)) ?? '';
    expect(line).toContain('failed');
    expect(line).toContain('tester');
    expect(line).not.toContain('alice');
    expect(runs.stderr).toContain(`runs row ${id}: status says succeeded, the audit trail says failed — the row was edited; the trail is shown`);
    expect(runs.stderr).toContain(`runs row ${id}: operator says alice, the audit trail says tester`);

    const json = JSON.parse(handrail(['runs', '--json'], cli).stdout) as { id: string; status: string; operator: string; tampering: { table: string; field: string }[] }[];
    expect(json.find((r) => r.id === id)).toMatchObject({ status: 'failed', operator: 'tester' });
    expect(json.find((r) => r.id === id)?.tampering.map((t) => `${t.table}.${t.field}`)).toEqual(['runs.status', 'runs.operator']);

    const show = handrail(['show', id], cli);
    expect(show.code).toBe(3);
    expect(show.stdout).toContain('Operator tester; failed;');
    expect(show.stderr).toContain(`runs row ${id}: status says succeeded, the audit trail says failed`);
  });

  it('a step row edited to succeeded is named too', () => {
    const id = failedRun();
    tamper((db) => db.prepare("UPDATE steps SET status = 'succeeded', exit_code = 0 WHERE run_id = ? AND idx = 0").run(id));
    const show = handrail(['show', id, '--json'], cli);
    expect(show.code).toBe(3);
    const shown = JSON.parse(show.stdout) as { steps: { status: string; exitCode: number }[]; tampering: { message: string }[] };
    expect(shown.steps[0]).toMatchObject({ status: 'failed', exitCode: 3 });
    expect(shown.tampering.map((t) => t.message)).toContain(`steps row ${id} step 1: status says succeeded, the audit trail says failed — the row was edited; the trail is shown`);
  });

  it('`resume` refuses a run whose stored runbook was edited, and runs nothing', () => {
    const id = failedRun();
    const marker = join(root, `pwned-${n}`);
    const forged = readFileSync(join(workspace, 'fail.md'), 'utf8').replace('exit 3', `touch ${JSON.stringify(marker)}`);
    tamper((db) => db.prepare('UPDATE runs SET runbook_source = ? WHERE id = ?').run(Buffer.from(forged), id));
    const resume = handrail(['resume', id, '--yes'], cli);
    expect(resume.code).toBe(3);
    expect(resume.stderr).toContain(`runs row ${id}: runbook_source has SHA-256`);
    expect(resume.stderr).toContain('nothing was executed');
    expect(existsSync(marker)).toBe(false);
  });

  it('`audit verify` fails and names the row', () => {
    const id = failedRun();
    expect(handrail(['audit', 'verify'], cli).code).toBe(0);
    forge(id);
    const verify = handrail(['audit', 'verify', '--json'], cli);
    expect(verify.code).toBe(3);
    const problems = (JSON.parse(verify.stdout) as { problems: { kind: string; message: string }[] }).problems;
    // In seq order: the operator comes from run.started, the status from run.failed.
    expect(problems.filter((p) => p.kind === 'record-mismatch').map((p) => p.message)).toEqual([
      `runs row ${id}: operator says alice, the audit trail says tester — the row was edited`,
      `runs row ${id}: status says succeeded, the audit trail says failed — the row was edited`,
    ]);
  });

  it('the handover report shows the trail’s status and says the row was edited', () => {
    const id = failedRun();
    forge(id);
    const report = handrail(['audit', 'export', '--format', 'md', '--run', id], cli);
    expect(report.code, report.stderr).toBe(0);
    expect(report.stdout).toContain('- Ended: ');
    expect(report.stdout).toMatch(/- Ended: .* \(failed\)/);
    expect(report.stdout).toContain('- Operator(s): tester');
    expect(report.stdout).toContain(`runs row ${id}: status says succeeded, the audit trail says failed`);
  });

  it('a run row inserted by hand is named as not recorded', () => {
    const id = failedRun();
    tamper((db) => {
      db.exec(`CREATE TEMP TABLE t AS SELECT * FROM runs WHERE id = '${id}'; UPDATE t SET id = 'forged-run', started_at = '2099-01-01T00:00:00.000Z';
               INSERT INTO runs SELECT * FROM t;`);
    });
    const runs = handrail(['runs'], cli);
    expect(runs.code).toBe(3);
    expect(runs.stderr).toContain('runs row forged-run: the audit trail has no record of this run — the row was added outside Handrail');
  });

  it('the console’s run list and run page flag the edited row and show the trail’s values', async () => {
    const id = failedRun();
    forge(id);
    const service = new ConsoleService(settingsFor(cli.dataDir, { workspace }));
    try {
      const detail = await service.getRun({ runId: id });
      expect(detail.run).toMatchObject({ status: 'failed', operator: 'tester' });
      expect(detail.tampering.map((t) => t.message)).toEqual([
        `runs row ${id}: status says succeeded, the audit trail says failed — the row was edited; the trail is shown`,
        `runs row ${id}: operator says alice, the audit trail says tester — the row was edited; the trail is shown`,
      ]);
      const list = await service.listRuns({ offset: 0, limit: 50 });
      expect(list.runs.find((r) => r.id === id)).toMatchObject({ status: 'failed', operator: 'tester' });
      expect(list.runs.find((r) => r.id === id)?.tampering).toHaveLength(2);
    } finally {
      await service.close();
    }
  });

  it('an untouched run carries no flag', async () => {
    const id = failedRun();
    const service = new ConsoleService(settingsFor(cli.dataDir, { workspace }));
    try {
      expect((await service.getRun({ runId: id })).tampering).toEqual([]);
    } finally {
      await service.close();
    }
    expect(handrail(['runs'], cli).code).toBe(0);
    expect(handrail(['show', id], cli).code).toBe(0);
  });
});

describe('a stored runbook version edited (b)', () => {
  it('`diff` refuses to show forged text under the original SHA-256, and verify names the version', () => {
    const probeFile = join(workspace, 'probe.md');
    writeFileSync(probeFile, probe('1.0.0', 'one'));
    expect(handrail(['run', 'probe', '--env', 'dev'], cli).code).toBe(0);
    writeFileSync(probeFile, probe('2.0.0', 'two'));
    expect(handrail(['run', 'probe', '--env', 'dev'], cli).code).toBe(0);
    const honest = handrail(['diff', 'probe', '1.0.0', '2.0.0'], cli);
    expect(honest.code, honest.stderr).toBe(0);
    expect(honest.stdout).toContain('-echo one');

    tamper((db) => db.prepare("UPDATE runbook_versions SET source = ? WHERE runbook_id = 'probe' AND version = '1.0.0'").run(Buffer.from(probe('1.0.0', 'forged'))));
    const diff = handrail(['diff', 'probe', '1.0.0', '2.0.0'], cli);
    expect(diff.stdout).not.toContain('forged');
    expect(diff.code).toBe(3);
    expect(diff.stderr).toMatch(/runbook_versions row probe@1\.0\.0 \([0-9a-f]{12}\): the stored source no longer has SHA-256 [0-9a-f]{12}… \(it has [0-9a-f]{12}…\) — it was edited after it was recorded; nothing was shown/);

    const bundle = join(root, `bundle-${n}`);
    const handover = handrail(['handover', '--since', '2020-01-01', '--out', bundle], cli);
    expect(handover.code).toBe(3);
    expect(handover.stderr).toContain('runbook_versions row probe@1.0.0');
    expect(handover.stderr).toContain('nothing was written');
    expect(existsSync(bundle)).toBe(false);

    const history = handrail(['history', 'probe'], cli);
    expect(history.code).toBe(3);
    expect(history.stderr).toContain('runbook_versions row probe@1.0.0');

    const verify = handrail(['audit', 'verify', '--json'], cli);
    expect(verify.code).toBe(3);
    const problems = (JSON.parse(verify.stdout) as { problems: { kind: string; message: string }[] }).problems;
    expect(problems.some((p) => p.kind === 'record-mismatch' && p.message.startsWith('runbook_versions row probe@1.0.0'))).toBe(true);
    rmSync(probeFile);
  });
});

describe('restore checks the snapshot against the chain (c)', () => {
  function purged() {
    const result = handrail(['run', 'purge', '--env', 'dev'], cli);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const [snap] = JSON.parse(handrail(['snapshots', '--json'], cli).stdout) as { id: string; path: string; sha256: string }[];
    if (!snap) throw new Error('no snapshot');
    expect(items(dbPath)).toBe('item-4,item-5');
    return snap;
  }
  const other = () => {
    const path = join(root, `other-${n}.db`);
    makeShop(path, 'evil');
    return path;
  };

  it('refuses a snapshot file swapped for a symlink to another database, its row’s checksum updated to match', () => {
    const snap = purged();
    const evil = other();
    unlinkSync(snap.path);
    symlinkSync(evil, snap.path);
    tamper((db) => db.prepare('UPDATE snapshots SET sha256 = ? WHERE id = ?').run(sha256(readFileSync(evil)), snap.id));
    const listed = handrail(['snapshots', '--json'], cli);
    expect(listed.code).toBe(3);
    expect((JSON.parse(listed.stdout) as { sha256: string }[])[0]?.sha256).toBe(snap.sha256);
    expect(listed.stderr).toContain(`snapshots row ${snap.id}: sha256 says ${sha256(readFileSync(evil))}, the audit trail says ${snap.sha256} — the row was edited; the trail is shown`);
    const result = handrail(['restore', snap.id, '--yes'], cli);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`snapshots row ${snap.id}: sha256 says`);
    expect(result.stderr).toContain('nothing was changed');
    expect(items(dbPath)).toBe('item-4,item-5');
  });

  it('refuses a symlinked snapshot file even when the row is untouched', () => {
    const snap = purged();
    const moved = join(root, `moved-${n}.sqlite`);
    renameSync(snap.path, moved);
    symlinkSync(moved, snap.path);
    const result = handrail(['restore', snap.id, '--yes'], cli);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`${snap.path} is a symbolic link`);
    expect(result.stderr).toContain('nothing was changed');
    expect(items(dbPath)).toBe('item-4,item-5');
  });

  it('refuses a snapshot copied over with another database and its checksum updated (the chain’s checksum decides)', () => {
    const snap = purged();
    const evil = other();
    writeFileSync(snap.path, readFileSync(evil));
    tamper((db) => db.prepare('UPDATE snapshots SET sha256 = ? WHERE id = ?').run(sha256(readFileSync(evil)), snap.id));
    const result = handrail(['restore', snap.id, '--yes'], cli);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`snapshots row ${snap.id}: sha256 says ${sha256(readFileSync(evil))}, the audit trail says ${snap.sha256} — the row was edited`);
    expect(items(dbPath)).toBe('item-4,item-5');
  });

  it('refuses a snapshot copied over with another database, naming the checksum the chain recorded', () => {
    const snap = purged();
    writeFileSync(snap.path, readFileSync(other()));
    const result = handrail(['restore', snap.id, '--yes'], cli);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`the audit trail recorded ${snap.sha256.slice(0, 16)}…); it was not restored; nothing was changed`);
    expect(items(dbPath)).toBe('item-4,item-5');
  });

  it('refuses a snapshot path moved outside the snapshots folder', () => {
    const snap = purged();
    const outside = join(root, `outside-${n}.sqlite`);
    writeFileSync(outside, readFileSync(snap.path));
    tamper((db) => db.prepare('UPDATE snapshots SET path = ? WHERE id = ?').run(outside, snap.id));
    const result = handrail(['restore', snap.id, '--yes'], cli);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`snapshots row ${snap.id}: path says ${outside}`);
    expect(items(dbPath)).toBe('item-4,item-5');
  });
});

describe('restore compares target paths as real paths (d)', () => {
  it('refuses when the target’s symlink was re-pointed to another database after the snapshot', () => {
    const a = join(root, `a-${n}.db`);
    const b = join(root, `b-${n}.db`);
    const link = join(root, `current-${n}.db`);
    makeShop(a, 'a');
    makeShop(b, 'b');
    symlinkSync(a, link);
    inventory(link);
    const result = handrail(['run', 'purge', '--env', 'dev'], cli);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(items(a)).toBe('a-4,a-5');
    const [snap] = JSON.parse(handrail(['snapshots', '--json'], cli).stdout) as { id: string }[];

    unlinkSync(link);
    symlinkSync(b, link);
    const restore = handrail(['restore', snap?.id ?? '', '--yes'], cli);
    expect(restore.code).toBe(2);
    expect(restore.stderr).toContain(`is now ${b}, but the snapshot is of ${a}`);
    expect(restore.stderr).toContain('nothing was changed');
    expect(items(b)).toBe('b-1,b-2,b-3,b-4,b-5');

    // Pointed back, it restores into the database it was taken of.
    unlinkSync(link);
    symlinkSync(a, link);
    const back = handrail(['restore', snap?.id ?? '', '--yes'], cli);
    expect(back.code, back.stderr).toBe(0);
    expect(items(a)).toBe('a-1,a-2,a-3,a-4,a-5');
    expect(items(b)).toBe('b-1,b-2,b-3,b-4,b-5');
  });
});
