// Two data folders on one machine (two OS users' defaults, or a script's HANDRAIL_DATA_DIR) and
// one database: the data folder's own lock table cannot see the other folder's runs, so the
// lock must sit on the database itself. A run changes the database in step 1, then waits in
// step 2 until the test lets it go; meanwhile a run from the other data folder must be refused,
// naming the holder, and the database must have changed exactly once.
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type CliOptions, type CliResult, handrail, handrailAsync, handrailChild, showRun } from '../support/handrail-cli.js';
import { counterDatabases, type CounterDatabases } from '../support/counter-databases.js';
import type { PgHandle } from '../support/postgres.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';
import { until } from '../support/until.js';

let root: string;
let pg: PgHandle;
let workspace: string;
let ready: string;
let release: string;
let dbPath: string;

const blockingRunbook = (id: string, target: string) => `---
id: ${id}
title: Change once, then wait
version: 1.0.0
---

## Count one change

\`\`\`sql {target=${target} mutates}
UPDATE counter SET n = n + 1;
\`\`\`

## Wait for the test

\`\`\`sh {target=local}
echo $$ > ${ready}.pid
touch ${ready}
while [ ! -e ${release} ]; do sleep 0.05; done
\`\`\`
`;

let counters: CounterDatabases;

beforeAll(async () => {
  root = await makeTempDir('xfolders');
  counters = await counterDatabases(root, 'XF_PG_PASSWORD');
  ({ pg, workspace, dbPath } = counters);
  ready = join(root, 'ready');
  release = join(root, 'release');
  writeFileSync(join(workspace, 'lite.md'), blockingRunbook('lite-once', 'lite'));
  writeFileSync(join(workspace, 'pgdb.md'), blockingRunbook('pg-once', 'pgdb'));
}, 60_000);

const children: ChildProcess[] = [];
afterEach(() => {
  writeFileSync(release, '');
  for (const child of children.splice(0)) child.kill('SIGKILL');
  if (existsSync(`${ready}.pid`)) {
    try {
      process.kill(-Number(readFileSync(`${ready}.pid`, 'utf8')), 'SIGKILL');
    } catch {
      // already gone
    }
  }
  rmSync(ready, { force: true });
  rmSync(`${ready}.pid`, { force: true });
  rmSync(release, { force: true });
});
afterAll(async () => {
  await pg?.stop();
  if (root) await removeDir(root);
});

const folder = (name: string, operator: string): CliOptions => ({
  dataDir: join(root, `${name}-${Math.random().toString(36).slice(2, 8)}`),
  workspace,
  env: { HANDRAIL_OPERATOR: operator, XF_PG_PASSWORD: pg.password },
});

/** Starts the blocking run in `cli`'s data folder; resolves once it holds the database and waits. */
async function holdDatabase(cli: CliOptions, runbook: string): Promise<{ child: ChildProcess; id: string; exited: Promise<number | null> }> {
  const child = handrailChild(['run', runbook, '--env', 'dev'], cli);
  children.push(child);
  let stdout = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  await until('the first run waits in step 2', () => existsSync(ready));
  const id = /Run (\S+):/.exec(stdout)?.[1];
  if (!id) throw new Error(`no run id printed: ${stdout}`);
  return { child, id, exited };
}

const targets = [
  {
    name: 'SQLite',
    runbook: 'lite.md',
    target: 'lite',
    count: () => counters.sqliteCount(),
    where: () => `${dbPath}.handrail-lock`,
  },
  {
    name: 'PostgreSQL',
    runbook: 'pgdb.md',
    target: 'pgdb',
    count: () => counters.pgCount(),
    where: () => `PostgreSQL database ${pg.database}`,
  },
];

describe.each(targets)('a $name target changed from two data folders', ({ runbook, target, count, where }) => {
  it('refuses the second data folder while the first runs, names the holder, and changes the database once', async () => {
    const before = await count();
    const first = folder('alice', 'alice');
    const second = folder('bob', 'bob');
    const taken = handrail(['snapshot', target, '--env', 'dev'], second);
    expect(taken.code, taken.stdout + taken.stderr).toBe(0);
    const snapshotId = (JSON.parse(handrail(['snapshots', '--json'], second).stdout) as { id: string }[])[0]?.id ?? '';
    const holder = await holdDatabase(first, runbook);
    expect(await count()).toBe(before + 1);

    // Not spawnSync: a second run that got through would wait in step 2 and hang the test.
    const firstStep = readFileSync(`${ready}.pid`, 'utf8');
    let refused: CliResult | undefined;
    void handrailAsync(['run', runbook, '--env', 'dev'], second).then((result) => (refused = result));
    await until('the second run ends or reaches its own step 2', () => refused !== undefined || readFileSync(`${ready}.pid`, 'utf8') !== firstStep);
    if (!refused) throw new Error('the second data folder got past the lock: two runs changed the database at once');
    expect(refused.code, refused.stdout + refused.stderr).toBe(2);
    expect(refused.stderr).toContain(where());
    expect(refused.stderr).toContain(`is being changed by run ${holder.id} of alice, from data folder ${first.dataDir}`);
    expect(refused.stderr).toMatch(new RegExp(`pid ${holder.child.pid} on \\S+, since \\d{4}-\\d\\d-\\d\\dT`));
    expect(refused.stderr).toContain('nothing was executed');
    expect(await count()).toBe(before + 1);

    // A restore is a change too: refused from the other data folder while the run holds the database.
    const restore = handrail(['restore', snapshotId, '--yes'], second);
    expect(restore.code, restore.stdout + restore.stderr).toBe(2);
    expect(restore.stderr).toContain(`is being changed by run ${holder.id} of alice, from data folder ${first.dataDir}`);
    expect(restore.stderr).toContain('nothing was changed');
    expect(await count()).toBe(before + 1);

    // Once the first run ends, the lock is free again.
    writeFileSync(release, '');
    expect(await holder.exited).toBe(0);
    rmSync(release);
    rmSync(ready);
    const later = handrailChild(['run', runbook, '--env', 'dev'], second);
    children.push(later);
    const laterExit = new Promise<number | null>((r) => later.once('exit', (code) => r(code)));
    await until('the second data folder runs', () => existsSync(ready));
    writeFileSync(release, '');
    expect(await laterExit).toBe(0);
    expect(await count()).toBe(before + 2);
  });

  it('is released when the holder is killed with kill -9', async () => {
    const before = await count();
    const first = folder('carol', 'carol');
    const holder = await holdDatabase(first, runbook);
    holder.child.kill('SIGKILL');
    await holder.exited;
    writeFileSync(release, ''); // ends the step the killed CLI left behind
    rmSync(ready);
    const second = folder('dave', 'dave');
    const after = handrailChild(['run', runbook, '--env', 'dev'], second);
    children.push(after);
    const afterExit = new Promise<number | null>((r) => after.once('exit', (code) => r(code)));
    await until('the other data folder runs', () => existsSync(ready));
    expect(await afterExit).toBe(0);
    expect(await count()).toBe(before + 2);
    expect(showRun(holder.id, first).run.status).toBe('interrupted');
  });
});

// The lock file beside the database holds no data: removing it is never needed, and the files
// Handrail keeps there are only these two.
it('keeps its SQLite lock in one sidecar file beside the database (plus who holds it)', () => {
  expect(readdirSync(root).filter((name) => name.startsWith('app.db')).sort()).toEqual(['app.db', 'app.db.handrail-lock', 'app.db.handrail-lock.json']);
});
