// The team ledger killed mid-run (pg_ctl stop -m immediate on a real PostgreSQL): local stays
// first. The run under way ends as it would have; on the other machine a read-only runbook
// runs and a mutating step is refused, saying what, that nothing ran and what to do; break-glass
// changes it with the local lock only, recorded as a deviation. Once the ledger is back,
// everything waiting ships in order, once, and the lock of the run that ended meanwhile is let go.
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliOptions, handrail, handrailChild, runIdOf, showRun } from '../support/handrail-cli.js';
import { startTestLedger, teamWorkspace, type TeamWorkspace, type TestLedger } from '../support/team-ledger.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';
import { until } from '../support/until.js';

let root: string;
let ledger: TestLedger;
let ws: TeamWorkspace;
let alice: CliOptions;
let bob: CliOptions;
const children: ChildProcess[] = [];

beforeAll(async () => {
  root = await makeTempDir('team-down');
  ledger = await startTestLedger(root, { op_a: 'operator', op_b: 'operator' });
  ws = await teamWorkspace(root, ledger);
  alice = ws.machine('alice', 'op_a', 'alice');
  bob = ws.machine('bob', 'op_b', 'bob');
}, 60_000);
afterAll(async () => {
  writeFileSync(ws.release, '');
  for (const child of children) child.kill('SIGKILL');
  await ledger?.pg.stop();
  if (root) await removeDir(root);
});

function localChain(cli: CliOptions): { seq: number; hash: string; kind: string; body: string }[] {
  const db = new Database(`${cli.dataDir}/handrail.db`, { readonly: true });
  try {
    return db.prepare('SELECT seq, hash, kind, body_json AS body FROM audit_events JOIN audit_bodies USING (seq) ORDER BY seq').all() as { seq: number; hash: string; kind: string; body: string }[];
  } finally {
    db.close();
  }
}

describe('the team ledger killed mid-run', () => {
  it('holds mutating steps elsewhere, lets reads run, and ships everything once it is back', async () => {
    const child = handrailChild(['run', 'lite.md', '--env', 'dev'], alice);
    children.push(child);
    let stdout = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    await until('the run holds the team lock and waits in step 2', () => existsSync(ws.ready));
    const runId = /Run (\S+):/.exec(stdout)?.[1] ?? '';

    await ledger.pg.kill();
    writeFileSync(ws.release, '');
    expect(await exited, stdout).toBe(0);
    expect(showRun(runId, alice).run.status).toBe('succeeded');
    rmSync(`${ws.ready}.pid`, { force: true });
    const counted = await ws.count('lite');

    // The other machine: a mutating step is refused (exit 2) before anything is asked, taken or changed.
    const held = handrail(['run', 'lite.md', '--env', 'dev'], bob);
    expect(held.code, held.stdout + held.stderr).toBe(2);
    const said = held.stdout + held.stderr;
    expect(said).toContain(`the team ledger at 127.0.0.1:${ledger.pg.port}/${ledger.database} is not answering`);
    expect(said).toContain('the team lock on lite could not be taken: this step changes it and was not run; nothing was changed');
    const heldRun = runIdOf(held.stdout);
    expect(said).toContain(`handrail resume ${heldRun} --break-glass "why"`);
    expect(await ws.count('lite')).toBe(counted);
    expect(showRun(heldRun, bob).steps[0]?.status).toBe('pending');

    // Reading goes on.
    const look = handrail(['run', 'look', '--env', 'dev'], bob);
    expect(look.code, look.stdout + look.stderr).toBe(0);

    const status = handrail(['team', 'status'], alice);
    expect(status.code).toBe(1);
    expect(status.stdout).toContain('NOT reachable');
    const waiting = Number(/(\d+) waiting to ship/.exec(status.stdout)?.[1]);
    expect(waiting).toBeGreaterThan(0);

    // Break-glass: the local lock only, recorded as a deviation.
    const broken = handrail(['resume', heldRun, '--yes', '--break-glass', 'INC-7: ledger down, counter must move now'], bob);
    expect(broken.code, broken.stdout + broken.stderr).toBe(0);
    expect(await ws.count('lite')).toBe(counted + 1);
    const deviation = localChain(bob).find((e) => e.kind === 'run.deviation');
    expect(JSON.parse(deviation?.body ?? '{}')).toMatchObject({ kind: 'break-glass', waived: 'team-lock', reason: 'INC-7: ledger down, counter must move now' });

    await ledger.pg.restart();
    for (const machine of [alice, bob]) {
      const shipped = handrail(['team', 'ship'], machine);
      expect(shipped.code, shipped.stderr).toBe(0);
      const local = localChain(machine);
      const inLedger = await ledger.pg.psql(
        `SELECT string_agg(seq || ':' || hash, ',' ORDER BY seq) FROM handrail.audit_events e JOIN handrail.machines m USING (machine_id)
          WHERE m.machine_id = (SELECT machine_id FROM handrail.audit_events WHERE hash = '${local[0]?.hash}' LIMIT 1)`,
      );
      expect(inLedger).toBe(local.map((e) => `${e.seq}:${e.hash}`).join(','));
      // Again: nothing new, nothing twice.
      expect(handrail(['team', 'ship'], machine).stdout).toContain('shipped 0 events');
    }
    expect(await ledger.pg.psql("SELECT count(*) FROM handrail.audit_events WHERE kind = 'run.deviation'")).toBe('1');
    // Alice's run ended while the ledger was down: its team lock is let go now, and bob may go on.
    expect(await ledger.pg.psql('SELECT count(*) FROM handrail.held_locks')).toBe('0');
    const after = handrail(['run', 'lite.md', '--env', 'dev'], bob);
    expect(after.code, after.stdout + after.stderr).toBe(0);
    expect(await ws.count('lite')).toBe(counted + 2);
  }, 120_000);
});
