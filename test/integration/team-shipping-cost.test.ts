// What shipping costs the team's PostgreSQL, on a real server: a batch of events arrives as one
// INSERT per table whatever its length (not two statements per event), with every field as it
// was chained, quotes, backslashes, braces and NULL-looking text included; a shipment with
// nothing to ship writes nothing to the data folder; and a run's shipper
// keeps one connection while the run lasts (not a new login every second), takes a ledger
// restart in its stride and closes the connection when the run ends.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TeamOutbox } from '../../src/app/team/outbox.js';
import type { TeamConfig } from '../../src/app/team/team-config.js';
import { TeamShipper } from '../../src/app/team/team-shipper.js';
import { openAppDatabase, type AppDatabase } from '../../src/store/open-database.js';
import { RunStore } from '../../src/store/run-store.js';
import { connectLedger } from '../../src/targets/ledger/ledger-connection.js';
import { migrateLedger } from '../../src/targets/ledger/ledger-migrate.js';
import { startPostgres, type PgHandle } from '../support/postgres.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';

let root: string;
let pg: PgHandle;
let team: TeamConfig;
const opened: AppDatabase[] = [];

beforeAll(async () => {
  root = await makeTempDir('team-ship-cost');
  // Every statement the server runs goes to its log, so the test can count them.
  pg = await startPostgres({ database: 'ledger', settings: { log_statement: "'all'" } });
  const client = await connectLedger({ url: pg.url, password: pg.password }, 'test init');
  try {
    await migrateLedger(client);
  } finally {
    await client.end();
  }
  team = { url: pg.url, password: pg.password, source: 'HANDRAIL_TEAM_URL', passwordEnv: undefined };
}, 60_000);
afterAll(async () => {
  for (const app of opened) app.close();
  await pg?.stop();
  if (root) await removeDir(root);
});

function machine(name: string): { app: AppDatabase; store: RunStore; outbox: TeamOutbox } {
  const dataDir = join(root, name);
  const app = openAppDatabase(dataDir);
  opened.push(app);
  const store = new RunStore(app.db);
  const outbox = new TeamOutbox(app.db, store, { dataDir, workspace: root, operator: 'op', operatorName: null, maxOutputBytes: 1 << 20 }, team);
  return { app, store, outbox };
}

const eventInserts = () => readFileSync(pg.logPath, 'utf8').split('\n').filter((line) => line.includes('INSERT INTO handrail.audit_events')).length;

async function ledgerCopy(app: AppDatabase): Promise<{ local: string; ledger: string }> {
  const machineId = app.db.prepare('SELECT machine_id FROM team_machine').pluck().get() as string;
  const local = (app.db.prepare('SELECT seq, hash, operator, environment, target, body_json FROM audit_events JOIN audit_bodies USING (seq) ORDER BY seq').raw().all() as unknown[][])
    .map((row) => JSON.stringify(row))
    .join('\n');
  const ledger = await pg.psql(
    `SELECT string_agg(json_build_array(e.seq, e.hash, e.operator, e.environment, e.target, b.body_json)::text, E'\\n' ORDER BY e.seq)
       FROM handrail.audit_events e JOIN handrail.audit_bodies b USING (machine_id, seq) WHERE e.machine_id = '${machineId}'`,
  );
  return { local, ledger: ledger.split('\n').map((row) => JSON.stringify(JSON.parse(row))).join('\n') };
}

const awkward = ['"quoted"', 'back\\slash', '{braces}', 'a,comma', 'NULL', 'null', '', 'new\nline', 'ünïcödé ✓ 🚀', "it's"];

describe('shipping to the team ledger', () => {
  it('sends a batch of events as one INSERT, each field as it was chained', async () => {
    const { app, store, outbox } = machine('batch');
    for (let i = 0; i < 450; i++) {
      const text = awkward[i % awkward.length]!;
      store.appendEvent({ operator: `op ${text}`, kind: 'step.succeeded', environment: text, target: i % 3 === 0 ? null : text, body: { i, text, nested: { text, list: [text, null] } } });
    }
    const before = eventInserts();
    const report = await outbox.ship();
    expect(report.problem).toBeUndefined();
    expect(report.localSeq).toBeGreaterThanOrEqual(450);
    expect(report).toMatchObject({ shipped: report.localSeq, ledgerSeq: report.localSeq });
    // Batches of 200: three statements for the ~450 events, not one or two per event.
    expect(eventInserts() - before).toBeLessThanOrEqual(Math.ceil(report.localSeq / 200));
    const copy = await ledgerCopy(app);
    expect(copy.ledger).toBe(copy.local);
    // Again: nothing new, nothing sent twice, and nothing written here either (each write of
    // the data folder is a commit the disk must flush, beside the run's own appends).
    const writes = () => app.db.prepare('SELECT total_changes()').pluck().get() as number;
    const written = writes();
    expect((await outbox.ship()).shipped).toBe(0);
    expect(writes()).toBe(written);
  });

  it("keeps one connection while a run ships, takes a ledger restart in its stride, and closes it at the run's end", async () => {
    const { app, store, outbox } = machine('run');
    const shipper = new TeamShipper(outbox);
    const shipConnections = async () => (await pg.psql("SELECT coalesce(string_agg(pid::text, ','), '') FROM pg_stat_activity WHERE application_name = 'handrail ledger: ship'")).trim();
    shipper.start();
    try {
      store.appendEvent({ operator: 'op', kind: 'step.started', body: { n: 1 } });
      expect((await shipper.kick()).problem).toBeUndefined();
      const first = await shipConnections();
      expect(first).toMatch(/^\d+$/);
      for (let n = 2; n <= 3; n++) {
        store.appendEvent({ operator: 'op', kind: 'step.started', body: { n } });
        const report = await shipper.kick();
        expect(report.problem).toBeUndefined();
        expect(report.ledgerSeq).toBe(report.localSeq);
        expect(await shipConnections()).toBe(first);
      }

      // The server restarts under the kept connection: the next shipment opens a new one.
      await pg.kill();
      await pg.restart();
      store.appendEvent({ operator: 'op', kind: 'step.succeeded', body: { after: 'restart' } });
      const report = await shipper.kick();
      expect(report.problem).toBeUndefined();
      expect(report.ledgerSeq).toBe(report.localSeq);
      // At least the new event (the harness's server commits without waiting for its disk, so
      // a crash may also lose what it took last; it is sent again).
      expect(report.shipped).toBeGreaterThanOrEqual(1);
      expect(await shipConnections()).toMatch(/^\d+$/);
    } finally {
      const last = await shipper.stop();
      expect(last.problem).toBeUndefined();
    }
    expect(await shipConnections()).toBe('');
    const copy = await ledgerCopy(app);
    expect(copy.ledger).toBe(copy.local);
  });
});
