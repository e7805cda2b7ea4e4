// The lock on a database target is only as good as what holds it: PostgreSQL's is a session on
// its own connection, which a server restart, a DBA's pg_terminate_backend or a cut network
// ends without telling anyone; SQLite's is an fcntl() lock on a sidecar file, which an operator
// tidying up can delete (the next Handrail then locks a new file of the same name). Either way
// another data folder could start changing the database while this run goes on. A run that lost
// its lock must not make its next change: the step is held before it is confirmed or
// snapshotted, the run stays resumable, and resuming takes the lock again.
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type CliOptions, handrail, handrailChild, showRun } from '../support/handrail-cli.js';
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
/** A backend the test stopped with SIGSTOP, let go after the run ends. */
let frozen: number | undefined;

const runbook = (id: string, target: string) => `---
id: ${id}
title: Change, wait, change again
version: 1.0.0
---

## First change

\`\`\`sql {target=${target} mutates}
UPDATE counter SET n = n + 1;
\`\`\`

## Wait for the test

\`\`\`sh {target=local}
touch ${ready}
while [ ! -e ${release} ]; do sleep 0.05; done
\`\`\`

## Second change

\`\`\`sql {target=${target} mutates}
UPDATE counter SET n = n + 100;
\`\`\`
`;

let counters: CounterDatabases;

beforeAll(async () => {
  root = await makeTempDir('lock-lost');
  counters = await counterDatabases(root, 'LL_PG_PASSWORD');
  ({ pg, workspace, dbPath } = counters);
  ready = join(root, 'ready');
  release = join(root, 'release');
  writeFileSync(join(workspace, 'lite.md'), runbook('lite-twice', 'lite'));
  writeFileSync(join(workspace, 'pgdb.md'), runbook('pg-twice', 'pgdb'));
}, 60_000);

const children: ChildProcess[] = [];
afterEach(() => {
  if (frozen !== undefined) process.kill(frozen, 'SIGCONT');
  frozen = undefined;
  writeFileSync(release, '');
  for (const child of children.splice(0)) child.kill('SIGKILL');
  rmSync(ready, { force: true });
  rmSync(release, { force: true });
});
afterAll(async () => {
  await pg?.stop();
  if (root) await removeDir(root);
});


const targets = [
  {
    name: 'PostgreSQL',
    how: 'its session is ended on the server (pg_terminate_backend)',
    runbook: 'pgdb.md',
    target: 'pgdb',
    count: () => counters.pgCount(),
    cut: async () => {
      const ended = await pg.psql("SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'handrail lock') t");
      expect(Number(ended)).toBe(1);
    },
    where: () => `PostgreSQL database ${pg.database} on 127.0.0.1:${pg.port}`,
  },
  {
    // The session lives but does not answer (a frozen backend, as a cut network looks from here):
    // the check gives up after its timeout and counts the lock as lost. The backend is let go
    // once the run has ended, finds its client gone and ends, which frees the lock for resume.
    name: 'PostgreSQL, frozen',
    how: 'its session stops answering',
    runbook: 'pgdb.md',
    target: 'pgdb',
    count: () => counters.pgCount(),
    cut: async () => {
      frozen = Number(await pg.psql("SELECT pid FROM pg_stat_activity WHERE application_name = 'handrail lock'"));
      process.kill(frozen, 'SIGSTOP');
    },
    where: () => `PostgreSQL database ${pg.database} on 127.0.0.1:${pg.port}`,
  },
  {
    name: 'SQLite',
    how: 'its sidecar lock file is deleted',
    runbook: 'lite.md',
    target: 'lite',
    count: () => counters.sqliteCount(),
    cut: () => {
      rmSync(`${dbPath}.handrail-lock`);
      return Promise.resolve();
    },
    where: () => `${dbPath}.handrail-lock`,
  },
];

describe.each(targets)('a $name target whose lock is lost mid-run', ({ how, runbook, target, count, cut, where }) => {
  it(`holds the next change when ${how}, and resuming takes the lock again`, async () => {
    const before = await count();
    const cli: CliOptions = { dataDir: join(root, `data-${target}`), workspace, env: { HANDRAIL_OPERATOR: 'erin', LL_PG_PASSWORD: pg.password } };
    const child = handrailChild(['run', runbook, '--env', 'dev'], cli);
    children.push(child);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    await until('the run waits in step 2', () => existsSync(ready));
    expect(await count()).toBe(before + 1);

    await cut();
    writeFileSync(release, '');
    const code = await exited;
    if (frozen !== undefined) process.kill(frozen, 'SIGCONT');
    frozen = undefined;
    const said = stdout + stderr;
    expect(code, said).toBe(2);
    expect(await count(), 'the second change ran without the lock').toBe(before + 1);
    expect(said).toContain(`the lock on ${target} (${where()})`);
    expect(said).toMatch(/was lost/);
    expect(said).toContain('nothing was changed');
    const id = /Run (\S+):/.exec(stdout)?.[1] ?? '';
    expect(said).toContain(`handrail resume ${id}`);
    const shown = showRun(id, cli);
    expect(shown.run.status).toBe('interrupted');
    expect(shown.steps.map((s) => s.status)).toEqual(['succeeded', 'succeeded', 'pending']);

    const resumed = handrail(['resume', id], cli);
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
    expect(await count()).toBe(before + 101);
    const verified = handrail(['audit', 'verify'], cli);
    expect(verified.code, verified.stdout + verified.stderr).toBe(0);
  });
});
