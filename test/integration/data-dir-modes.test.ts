// The data folder holds every command's output, runbook sources, inputs and the signing key:
// it is the owner's alone (folder 0700, files 0600), also when the folder was made by someone
// else at 0755 or by an older Handrail that let SQLite create handrail.db at 0644. A folder
// that holds other things (a home or project folder named with --data-dir) keeps its mode.
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openAppDatabase } from '../../src/store/open-database.js';
import { handrail, runIdOf } from '../support/handrail-cli.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';

let root: string;
let workspace: string;
let data: string;

beforeEach(async () => {
  root = await makeTempDir('data-modes');
  workspace = join(root, 'ws');
  mkdirSync(workspace);
  writeFileSync(join(workspace, 'handrail.yml'), 'environments:\n  dev:\n    targets:\n      app: local\n');
  writeFileSync(join(workspace, 'hello.md'), '---\nid: hello\ntitle: Hello\nversion: 1.0.0\n---\n\n# Hello\n\n## Say hello\n\n```sh {target=app}\necho hello\n```\n');
  data = join(root, 'data');
});
afterEach(() => removeDir(root));

const modeOf = (path: string) => statSync(path).mode & 0o777;
const cli = (args: string[]) => handrail(args, { dataDir: data, workspace });

/** A folder as `mkdir` under the usual umask leaves it. */
function openFolder(path: string): void {
  mkdirSync(path, { recursive: true });
  chmodSync(path, 0o755);
}

describe('the data folder', () => {
  it('is made 0700 with handrail.db 0600 when Handrail starts in an existing empty 0755 folder', () => {
    openFolder(data);
    const result = cli(['runs']);
    expect(result.code, result.stderr).toBe(0);
    expect(modeOf(data)).toBe(0o700);
    expect(modeOf(join(data, 'handrail.db'))).toBe(0o600);
  });

  it('tightens an existing 0755 folder, a 0644 handrail.db and 0755 keys and drafts folders, quietly', () => {
    const run = cli(['run', 'hello', '--env', 'dev']);
    expect(run.code, run.stderr).toBe(0);
    // As an older Handrail (or a hand-made folder) left them.
    chmodSync(data, 0o755);
    chmodSync(join(data, 'handrail.db'), 0o644);
    chmodSync(join(data, 'keys'), 0o755);
    for (const name of ['audit-signing-key.pem', 'audit-signing-key.pub.pem']) chmodSync(join(data, 'keys', name), 0o644);
    openFolder(join(data, 'drafts'));
    writeFileSync(join(data, 'drafts', 'r-20260101-000000-abcdef.json'), '{}\n', { mode: 0o644 });
    chmodSync(join(data, 'drafts', 'r-20260101-000000-abcdef.json'), 0o644);

    const shown = cli(['show', runIdOf(run.stdout)]);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stderr).toBe('');
    expect(modeOf(data)).toBe(0o700);
    expect(modeOf(join(data, 'handrail.db'))).toBe(0o600);
    expect(modeOf(join(data, 'keys'))).toBe(0o700);
    expect(modeOf(join(data, 'keys', 'audit-signing-key.pem'))).toBe(0o600);
    expect(modeOf(join(data, 'keys', 'audit-signing-key.pub.pem'))).toBe(0o600);
    expect(modeOf(join(data, 'drafts'))).toBe(0o700);
    expect(modeOf(join(data, 'drafts', 'r-20260101-000000-abcdef.json'))).toBe(0o600);
  });

  it('keeps handrail.db-wal and -shm at 0600, also ones another connection made at 0644', () => {
    openAppDatabase(data).close();
    chmodSync(join(data, 'handrail.db'), 0o644);
    // A connection that made the WAL and shared-memory files while the database was 0644
    // (SQLite gives them the database file's mode), still open, as an older Handrail would be.
    const other = new Database(join(data, 'handrail.db'));
    other.exec('CREATE TABLE scratch (x); DROP TABLE scratch;');
    expect(modeOf(join(data, 'handrail.db-wal'))).toBe(0o644);
    expect(modeOf(join(data, 'handrail.db-shm'))).toBe(0o644);
    const app = openAppDatabase(data);
    try {
      for (const name of ['handrail.db', 'handrail.db-wal', 'handrail.db-shm']) expect(modeOf(join(data, name)), name).toBe(0o600);
    } finally {
      app.close();
      other.close();
    }
  });

  it('makes a new database private from the start, -wal and -shm included', () => {
    openFolder(data);
    const app = openAppDatabase(data);
    try {
      for (const name of ['handrail.db', 'handrail.db-wal', 'handrail.db-shm']) expect(modeOf(join(data, name)), name).toBe(0o600);
    } finally {
      app.close();
    }
  });

  it("leaves the mode of a folder that also holds other people's files, and still makes its own files 0600", () => {
    openFolder(data);
    writeFileSync(join(data, 'notes.txt'), 'my notes\n');
    chmodSync(join(data, 'notes.txt'), 0o644);
    const run = cli(['run', 'hello', '--env', 'dev']);
    expect(run.code, run.stderr).toBe(0);
    expect(modeOf(data)).toBe(0o755);
    expect(modeOf(join(data, 'notes.txt'))).toBe(0o644);
    expect(readFileSync(join(data, 'notes.txt'), 'utf8')).toBe('my notes\n');
    expect(modeOf(join(data, 'handrail.db'))).toBe(0o600);
    expect(modeOf(join(data, 'keys'))).toBe(0o700);
  });

  it("changes nothing of a handrail.db that is another program's database", () => {
    openFolder(data);
    const other = new Database(join(data, 'handrail.db'));
    other.exec('CREATE TABLE invoices (id INTEGER PRIMARY KEY)');
    other.close();
    chmodSync(join(data, 'handrail.db'), 0o644);
    const result = cli(['runs']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/not Handrail's/);
    expect(modeOf(data)).toBe(0o755);
    expect(modeOf(join(data, 'handrail.db'))).toBe(0o644);
  });
});
