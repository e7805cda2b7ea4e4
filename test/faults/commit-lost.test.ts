// A COMMIT that reached PostgreSQL but whose answer was lost leaves the step's outcome
// unknown. It must be recorded in doubt — never `failed`, which a plain `resume` re-runs —
// so the change is not applied twice without the operator's decision. (The CLI runs
// asynchronously: the proxy lives in this process.)
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { handrailAsync, runIdOf, showRun, type CliOptions } from '../support/handrail-cli.js';
import { startPostgres, type PgHandle } from '../support/postgres.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';
import { startCommitCutter, type CommitCutter } from './commit-cutter.js';

let pg: PgHandle;
let cutter: CommitCutter;
let root: string;
let cli: CliOptions;

beforeAll(async () => {
  pg = await startPostgres();
  cutter = await startCommitCutter(pg.port);
  root = await makeTempDir('commit-lost');
  const workspace = join(root, 'ws');
  mkdirSync(workspace);
  writeFileSync(
    join(workspace, 'handrail.yml'),
    `environments:\n  dev:\n    targets:\n      ledger: { postgres: "postgres://postgres@127.0.0.1:${cutter.port}/${pg.database}", password-env: TEST_PG_PASSWORD }\n`,
  );
  writeFileSync(
    join(workspace, 'credit.md'),
    '---\nid: credit\ntitle: Credit an account\nversion: 1.0.0\n---\n\n## Credit account 1\n\n' +
      "```sql {target=ledger mutates}\nUPDATE accounts SET balance = balance + 10 WHERE id = 1;\nINSERT INTO credits (note) VALUES ('credited 10');\n```\n",
  );
  await pg.psql('CREATE TABLE accounts (id int PRIMARY KEY, balance int NOT NULL); INSERT INTO accounts VALUES (1, 100); CREATE TABLE credits (id serial PRIMARY KEY, note text);');
  cli = { dataDir: join(root, 'data'), workspace, env: { TEST_PG_PASSWORD: pg.password } };
});

afterAll(async () => {
  await cutter?.close();
  await pg?.stop();
  await removeDir(root);
});

const ledger = async () => ({
  balance: await pg.psql('SELECT balance FROM accounts WHERE id = 1'),
  credits: await pg.psql('SELECT count(*) FROM credits'),
});

it('records the step in doubt, and a plain resume does not apply the change a second time', async () => {
  const first = await handrailAsync(['run', 'credit', '--env', 'dev'], cli);
  expect(cutter.cuts).toBe(1);
  // The server did commit: the change is there once.
  expect(await ledger()).toEqual({ balance: '110', credits: '1' });

  const runId = runIdOf(first.stdout);
  expect(first.code).toBe(2);
  expect(first.stdout + first.stderr).toMatch(/whether the change was committed is unknown/);
  const shown = showRun(runId, cli);
  expect(shown.run.status).toBe('interrupted');
  expect(shown.steps[0]).toMatchObject({ status: 'in-doubt', attempt: 1 });
  expect(shown.steps[0]?.reason).toMatch(/COMMIT failed .*whether the change was committed is unknown: check the database before retrying/);

  const plain = await handrailAsync(['resume', runId], cli);
  expect(plain.code).toBe(2);
  expect(plain.stdout + plain.stderr).toMatch(/--retry-in-doubt, --done-in-doubt NOTE or --skip-in-doubt REASON/);
  expect(await ledger()).toEqual({ balance: '110', credits: '1' });
  expect(showRun(runId, cli).steps[0]).toMatchObject({ status: 'in-doubt', attempt: 1 });

  const decided = await handrailAsync(['resume', runId, '--done-in-doubt', 'checked: credits has the row, balance is 110'], cli);
  expect(decided.code).toBe(0);
  expect(await ledger()).toEqual({ balance: '110', credits: '1' });
  expect(showRun(runId, cli).steps[0]).toMatchObject({ status: 'succeeded', attempt: 1, note: 'checked: credits has the row, balance is 110' });
});

it('under --retry-in-doubt, a step that goes in doubt again is asked about, not retried on and on', async () => {
  const first = await handrailAsync(['run', 'credit', '--env', 'dev'], cli);
  const runId = runIdOf(first.stdout);
  const cutsBefore = cutter.cuts;
  // The operator decides to retry; the retry's COMMIT is lost again.
  const retried = await handrailAsync(['resume', runId, '--retry-in-doubt'], cli);
  expect(cutter.cuts).toBe(cutsBefore + 1);
  expect(retried.code).toBe(2);
  const shown = showRun(runId, cli);
  expect(shown.run.status).toBe('interrupted');
  expect(shown.steps[0]).toMatchObject({ status: 'in-doubt', attempt: 2 });
});
