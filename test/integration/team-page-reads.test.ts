// What a lead's first page of team runs asks of the ledger (a real PostgreSQL, filled with
// machines whose every run is chained and signed): the same few queries whether the ledger
// holds one machine or six, each served by an index rather than a scan of the events,
// checkpoints or bodies; an old page read on from where the page before it ended, not counted
// from the newest; and still every machine checked on its own, so a row forged on one
// machine's chain is named on that machine and its run, and on no other.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TeamRuns } from '../../src/app/team/team-runs.js';
import type { TeamRunQuery } from '../../src/contract/team-views.js';
import { connectLedger, type LedgerClient } from '../../src/targets/ledger/ledger-connection.js';
import { migrateLedger } from '../../src/targets/ledger/ledger-migrate.js';
import { seedLedger } from '../support/ledger-seed.js';
import { startPostgres, type PgHandle } from '../support/postgres.js';

let pg: PgHandle;

interface Sent {
  sql: string;
  params: unknown[];
}

/** A connection to one of the cluster's ledgers that notes every query sent on it. */
async function ledger(database: string): Promise<{ client: LedgerClient; sent: Sent[] }> {
  const client = await connectLedger({ url: `postgres://postgres@127.0.0.1:${pg.port}/${database}`, password: pg.password }, 'page reads test');
  const sent: Sent[] = [];
  const query = client.query.bind(client) as (sql: string, params?: unknown[]) => Promise<unknown>;
  (client as unknown as { query: typeof query }).query = (sql, params) => {
    sent.push({ sql, params: params ?? [] });
    return query(sql, params);
  };
  return { client, sent };
}

async function seeded(database: string, machines: number, runs: number): Promise<void> {
  await pg.psql(`CREATE DATABASE ${database}`, { database: 'postgres' });
  const client = await connectLedger({ url: `postgres://postgres@127.0.0.1:${pg.port}/${database}`, password: pg.password }, 'seed');
  try {
    await migrateLedger(client);
    await seedLedger(client, machines, runs);
  } finally {
    await client.end();
  }
}

/** The first page, as the console's Audit view asks for it, and the queries it sent. */
async function firstPage(database: string) {
  const { client, sent } = await ledger(database);
  try {
    const page = await new TeamRuns(client, database).page({ offset: 0, limit: 25 });
    return { page, sent };
  } finally {
    await client.end();
  }
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  Plans?: PlanNode[];
}

/** How many rows the plan's scans of `table` returned (EXPLAIN ANALYZE). */
function rowsRead(node: PlanNode, table: string): number {
  const here = node['Relation Name'] === table ? (node['Actual Rows'] ?? 0) * (node['Actual Loops'] ?? 1) : 0;
  return here + (node.Plans ?? []).reduce((sum, child) => sum + rowsRead(child, table), 0);
}

/** The tables a plan reads whole. */
function seqScans(node: PlanNode): string[] {
  const here = node['Node Type'] === 'Seq Scan' && node['Relation Name'] ? [node['Relation Name']] : [];
  return [...here, ...(node.Plans ?? []).flatMap(seqScans)];
}

beforeAll(async () => {
  pg = await startPostgres({ database: 'ledger' });
  await seeded('one_machine', 1, 4);
  await seeded('six_machines', 6, 4);
}, 120_000);

afterAll(async () => {
  await pg?.stop();
});

describe("a lead's first page of team runs", () => {
  it('asks the same queries of a ledger of six machines as of one, and every run on it verifies', async () => {
    const one = await firstPage('one_machine');
    const six = await firstPage('six_machines');
    expect(one.page.total).toBe(4);
    expect(six.page.total).toBe(24);
    expect(six.page.runs).toHaveLength(24);
    expect(six.page.machines).toHaveLength(6);
    expect([...one.page.runs, ...six.page.runs].flatMap((r) => r.problems)).toEqual([]);
    expect(six.page.machines.flatMap((m) => m.problems)).toEqual([]);
    // One round trip per machine (or three, for its unsigned tail) made the page wait on
    // every machine in turn: the count of queries must not follow the machines.
    expect(six.sent.length).toBe(one.sent.length);
  });

  it('reads the events, bodies and checkpoints by index: no query of the page scans them', async () => {
    const { sent } = await firstPage('six_machines');
    const { client } = await ledger('six_machines');
    try {
      // With sequential scans priced out, a scan left in a plan is one no index can replace.
      await client.query('SET enable_seqscan = off');
      for (const { sql, params } of sent) {
        const { rows } = await client.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON) ${sql}`, params);
        const [top] = rows[0]?.['QUERY PLAN'] as [{ Plan: PlanNode }];
        expect(seqScans(top.Plan).filter((t) => ['audit_events', 'audit_bodies', 'audit_checkpoints', 'step_output'].includes(t)), sql).toEqual([]);
      }
    } finally {
      await client.end();
    }
  });

  it('reads an old page from where the page before it ended, along the index: the same runs as counting from the newest, never the run starts before it', async () => {
    const all = (await firstPage('six_machines')).page.runs.map((r) => `${r.machineId}/${r.id}`);
    const { client, sent } = await ledger('six_machines');
    try {
      const runs = new TeamRuns(client, 'six_machines');
      const seen: string[] = [];
      let after: TeamRunQuery['after'];
      let last: Sent | undefined;
      for (let i = 0; i < 5; i++) {
        const page = await runs.page({ offset: 0, limit: 5, ...(after ? { after } : {}) });
        seen.push(...page.runs.map((r) => `${r.machineId}/${r.id}`));
        last = sent.find((q) => q.sql.includes('ORDER BY e.at DESC'));
        sent.length = 0;
        if (!page.next) break;
        after = page.next;
      }
      expect(seen).toEqual(all);
      // The oldest page's query reads its own few run starts, not the 20 newer ones before it.
      await client.query('SET enable_seqscan = off');
      const { rows } = await client.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (ANALYZE, FORMAT JSON) ${last?.sql ?? ''}`, last?.params);
      const [top] = rows[0]?.['QUERY PLAN'] as [{ Plan: PlanNode }];
      expect(rowsRead(top.Plan, 'audit_events')).toBeLessThanOrEqual(5);
    } finally {
      await client.end();
    }
  });

  it("names a row forged on one machine's chain on that machine and its run only", async () => {
    const head = Number(await pg.psql("SELECT max(seq) FROM handrail.audit_events WHERE machine_id = 'bench-machine-3'", { database: 'six_machines' }));
    await pg.psql(
      `SET session_replication_role = replica;
       INSERT INTO handrail.audit_events (machine_id, seq, at, operator, machine, app_version, kind, run_id, step_idx, environment, target, body_sha256, prev_hash, hash)
       VALUES ('bench-machine-3', ${head + 1}, '2099-01-01T00:00:00.000Z', 'op1', 'host-3', '0.1.0', 'run.started', 'forged-run', NULL, 'pilot', NULL,
               '${'a'.repeat(64)}', '${'b'.repeat(64)}', '${'c'.repeat(64)}');
       INSERT INTO handrail.audit_bodies (machine_id, seq, body_json) VALUES ('bench-machine-3', ${head + 1}, '{"runbook":"bench-1","version":"1.0.0","environment":"pilot","inputs":{}}');`,
      { database: 'six_machines' },
    );
    const { page } = await firstPage('six_machines');
    const flagged = page.machines.filter((m) => m.problems.length > 0);
    expect(flagged.map((m) => m.id)).toEqual(['bench-machine-3']);
    expect(flagged[0]?.problems.join('\n')).toMatch(new RegExp(`does not verify against its pinned key at event ${head + 1}`));
    expect(page.runs.find((r) => r.id === 'forged-run')?.problems.join('\n')).toMatch(/does not verify/);
    const others = page.runs.filter((r) => r.machineId !== 'bench-machine-3');
    expect(others.length).toBeGreaterThan(0);
    expect(others.flatMap((r) => r.problems)).toEqual([]);
  });
});
