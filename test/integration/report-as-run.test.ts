// A handover report says what ran, as it ran: the inputs (secrets hidden), each command with
// the inputs in as the operator saw it, and — when a later restore put a database back to
// before the run's change — that the run was undone.
import Database from 'better-sqlite3';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { handrail, runIdOf, type CliOptions } from '../support/handrail-cli.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';

const SECRET = 'tok-9f8e7d6c5b';
let root: string;
let cli: CliOptions;

beforeAll(async () => {
  root = await makeTempDir('report-as-run');
  const workspace = join(root, 'ws');
  mkdirSync(workspace);
  const books = join(root, 'books.db');
  const db = new Database(books);
  db.exec('CREATE TABLE entries (id INTEGER PRIMARY KEY, amount INTEGER); INSERT INTO entries (amount) VALUES (5), (-3);');
  db.close();
  writeFileSync(join(workspace, 'handrail.yml'), `environments:\n  dev:\n    targets:\n      books: { sqlite: ${JSON.stringify(books)} }\n`);
  writeFileSync(
    join(workspace, 'tidy.md'),
    `---\nid: tidy\ntitle: Tidy\nversion: 1.0.0\ninputs:\n  ticket: { type: string, pattern: "T-[0-9]+" }\n  token: { type: string, secret: true, pattern: "[a-z0-9-]{8,}" }\n---\n\n` +
      '## Announce\n\n```sh {target=local}\necho "ticket {{ ticket }}" --auth={{ token }} >/dev/null\n```\n\n' +
      '## Drop the negative entries\n\n```sql {target=books mutates}\nDELETE FROM entries WHERE amount < 0;\n```\n',
  );
  cli = { dataDir: join(root, 'data'), workspace, env: { HANDRAIL_INPUT_TOKEN: SECRET } };
});
afterAll(() => removeDir(root));

it('lists the inputs, shows commands as they ran, and says when a restore undid the run', () => {
  const ran = handrail(['run', 'tidy', '--env', 'dev', '--input', 'ticket=T-9'], cli);
  expect(ran.code, ran.stderr).toBe(0);
  const runId = runIdOf(ran.stdout);
  const snapshots = JSON.parse(handrail(['snapshots', '--json'], cli).stdout) as { id: string; runId: string | null; stepNumber: number | null }[];
  const taken = snapshots.find((s) => s.runId === runId);
  expect(taken?.stepNumber).toBe(2);

  const before = handrail(['audit', 'export', '--run', runId, '--format', 'md'], cli);
  expect(before.code, before.stderr).toBe(0);
  expect(before.stdout).toContain('- Inputs: ticket = `T-9`, token = `[secret]`');
  expect(before.stdout).toContain('echo "ticket T-9" --auth=[secret: token] >/dev/null');
  expect(before.stdout).not.toContain(SECRET);
  expect(before.stdout).not.toContain('{{ ticket }}');
  expect(before.stdout).not.toContain('Undone by a restore');

  const restored = handrail(['restore', taken?.id ?? '', '--yes'], cli);
  expect(restored.code, restored.stderr).toBe(0);
  expect(restored.stderr).toMatch(/every change made to books since .* is undone/);

  const after = handrail(['audit', 'export', '--run', runId, '--format', 'md'], cli);
  expect(after.stdout).toMatch(new RegExp(`\\*\\*Undone by a restore\\.\\*\\*[^\\n]*\\n\\n- books restored to snapshot ${taken?.id} on `));
  const html = handrail(['audit', 'export', '--run', runId, '--format', 'html'], cli);
  expect(html.stdout).toContain('Undone by a restore.');
});
