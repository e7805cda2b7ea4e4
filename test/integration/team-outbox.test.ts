// What a machine ships to the team ledger (a real PostgreSQL): every event in order with its
// body, the checkpoints and the output chunks, so a lead can verify that machine's chain with
// the same verifier and its pinned key. Once shipped, a trail cut short on the machine is
// named by `audit verify` with the seq; a machine that comes back with another key is refused
// and shown to leads.
import { cpSync } from 'node:fs';
import { decodeOutputChunk } from '../../src/store/output-codec.js';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChainVerifier, type StoredEvent } from '../../src/core/audit/verify-chain.js';
import { toStoredEvent, type AuditEventRow } from '../../src/store/audit-rows.js';
import { ledgerChain, ledgerCheckpoints, ledgerMachines } from '../../src/targets/ledger/ledger-read.js';
import { type CliOptions, handrail, runIdOf } from '../support/handrail-cli.js';
import { psqlAs, startTestLedger, teamWorkspace, type TeamWorkspace, type TestLedger } from '../support/team-ledger.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';

let root: string;
let ledger: TestLedger;
let ws: TeamWorkspace;
let alice: CliOptions;

beforeAll(async () => {
  root = await makeTempDir('team-outbox');
  ledger = await startTestLedger(root, { op_a: 'operator', op_d: 'operator', lead_c: 'lead' });
  ws = await teamWorkspace(root, ledger);
  alice = ws.machine('alice', 'op_a', 'alice');
}, 60_000);
afterAll(async () => {
  await ledger?.pg.stop();
  if (root) await removeDir(root);
});

async function asLead<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const login = ledger.login('lead_c');
  const client = new pg.Client({ host: '127.0.0.1', port: ledger.pg.port, database: ledger.database, user: login.name, password: login.password });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function machineId(cli: CliOptions): string {
  const db = new Database(`${cli.dataDir}/handrail.db`, { readonly: true });
  try {
    return db.prepare('SELECT machine_id FROM team_machine').pluck().get() as string;
  } finally {
    db.close();
  }
}

function localChain(cli: CliOptions): StoredEvent[] {
  const db = new Database(`${cli.dataDir}/handrail.db`, { readonly: true });
  try {
    return (db.prepare('SELECT e.*, b.body_json FROM audit_events e LEFT JOIN audit_bodies b USING (seq) ORDER BY seq').all() as AuditEventRow[]).map(toStoredEvent);
  } finally {
    db.close();
  }
}

describe('the outbox', () => {
  it("ships every event in order with its body, checkpoints and output; the lead verifies the copy with the machine's pinned key", async () => {
    for (let i = 0; i < 2; i++) {
      const looked = handrail(['run', 'look', '--env', 'dev'], alice);
      expect(looked.code, looked.stdout + looked.stderr).toBe(0);
    }
    // The runs shipped in the background and at their end; nothing waits.
    const status = handrail(['team', 'status'], alice);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/reachable/);
    expect(status.stdout).toMatch(/: 0 waiting to ship/);
    const id = machineId(alice);
    expect(status.stdout).toContain(`this machine: ${id}`);

    const local = localChain(alice);
    // Read as a lead reads it, with the ledger's own readers.
    const { events, checkpoints, machine, outputs } = await asLead(async (client) => {
      const read: StoredEvent[] = [];
      for await (const event of ledgerChain(client, id, 7)) read.push(event);
      return {
        events: read,
        checkpoints: await ledgerCheckpoints(client, id),
        machine: (await ledgerMachines(client)).find((m) => m.machineId === id),
        outputs: (await client.query<{ data: Buffer }>('SELECT data FROM handrail.step_output WHERE machine_id = $1 ORDER BY run_id, idx, seq', [id])).rows,
      };
    });
    expect(events.map((e) => [e.seq, e.hash])).toEqual(local.map((e) => [e.seq, e.hash]));
    expect(events.every((e) => e.bodyJson !== null)).toBe(true);
    expect(checkpoints.length).toBeGreaterThanOrEqual(2);
    expect(machine?.keyFingerprint).toMatch(/^SHA256:/);
    const verifier = new ChainVerifier(checkpoints, machine?.publicKey);
    for (const event of events) verifier.push(event);
    const verdict = verifier.finish();
    expect(verdict.problems).toEqual([]);
    expect(verdict.ok).toBe(true);
    expect(outputs.map((o) => decodeOutputChunk(o.data).toString())).toContain('looked\n');

    // Shipping again sends nothing new and changes nothing.
    const again = handrail(['team', 'ship'], alice);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('shipped 0 events');
    expect(await ledger.pg.psql(`SELECT count(*) FROM handrail.audit_events WHERE machine_id = '${id}'`)).toBe(String(local.length));
  });

  it('names the seq when the trail is cut short after it shipped (the last run and its checkpoint deleted)', async () => {
    const last = handrail(['run', 'look', '--env', 'dev'], alice);
    expect(last.code, last.stderr).toBe(0);
    const runId = runIdOf(last.stdout);
    expect(handrail(['team', 'ship'], alice).code).toBe(0);
    const db = new Database(`${alice.dataDir}/handrail.db`);
    const first = db.prepare('SELECT min(seq) FROM audit_events WHERE run_id = ?').pluck().get(runId) as number;
    const head = db.prepare('SELECT max(seq) FROM audit_events').pluck().get() as number;
    db.exec('DROP TRIGGER audit_events_no_delete; DROP TRIGGER audit_checkpoints_no_delete;');
    db.prepare('DELETE FROM audit_checkpoints WHERE seq >= ?').run(first);
    db.prepare('DELETE FROM audit_bodies WHERE seq >= ?').run(first);
    db.prepare('DELETE FROM audit_events WHERE seq >= ?').run(first);
    // And every row of the run beside the chain, so the trail verifies on its own.
    for (const table of ['step_processes', 'step_output', 'step_output_totals', 'audit_output_chunks', 'steps', 'runs']) {
      db.prepare(`DELETE FROM ${table} WHERE ${table === 'runs' ? 'id' : 'run_id'} = ?`).run(runId);
    }
    db.close();
    // (Checked on a copy without the ledger: verify records its own event where it succeeds.)
    cpSync(alice.dataDir, `${alice.dataDir}-copy`, { recursive: true });
    const alone = handrail(['audit', 'verify'], { dataDir: `${alice.dataDir}-copy`, workspace: `${ws.dir}-without-team` });
    expect(alone.code, alone.stdout + alone.stderr).toBe(0);

    const verified = handrail(['audit', 'verify'], alice);
    expect(verified.code, verified.stdout + verified.stderr).toBe(3);
    expect(verified.stderr).toContain(`audit trail BROKEN at event ${first} (truncated)`);
    expect(verified.stderr).toContain(`this trail ends at seq ${first - 1}, but the team ledger at 127.0.0.1:${ledger.pg.port}/${ledger.database} holds this machine's events up to seq ${head}`);
    // The ledger's copy is untouched, and nothing more ships from a trail that no longer matches it.
    const ship = handrail(['team', 'ship'], alice);
    expect(ship.code).toBe(1);
    expect(ship.stderr).toMatch(/changed after it shipped/);
  });

  it('refuses a machine that comes back with another key, and shows it to leads', async () => {
    const known = machineId(alice);
    const held = await ledger.pg.psql(`SELECT count(*) FROM handrail.audit_events WHERE machine_id = '${known}'`);
    // A data folder made anew (its key is new) that claims alice's machine id.
    const impostor = ws.machine('impostor', 'op_d', 'mallory');
    expect(handrail(['runs'], impostor).code).toBe(0);
    const db = new Database(`${impostor.dataDir}/handrail.db`);
    db.prepare("INSERT INTO team_machine (id, machine_id, created_at) VALUES (1, ?, '2026-12-06T00:00:00.000Z')").run(known);
    db.close();

    const ship = handrail(['team', 'ship'], impostor);
    expect(ship.code).toBe(1);
    expect(ship.stderr).toContain(`the ledger refused this machine's key`);
    expect(ship.stderr).toContain(`machine ${known} is pinned to key SHA256:`);
    const status = handrail(['team', 'status'], impostor);
    expect(status.stdout).toContain('key REFUSED by the ledger');
    const run = handrail(['run', 'lite.md', '--env', 'dev'], impostor);
    expect(run.code, run.stdout + run.stderr).toBe(2);
    expect(run.stderr).toContain("refused this machine's key");
    const incidents = await psqlAs(ledger, 'lead_c', `SELECT operator FROM handrail.key_incidents WHERE machine_id = '${known}'`);
    expect(incidents.stdout.trim()).toBe('mallory');
    // Nothing of the impostor's trail went in under the id it claimed.
    expect(await ledger.pg.psql(`SELECT count(*) FROM handrail.audit_events WHERE machine_id = '${known}'`)).toBe(held);
  });
});
