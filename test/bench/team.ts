// The team ledger's costs, against a local PostgreSQL started here: an audit append while the
// outbox ships in the background against the same append with no team (shipping is off the
// step's path); the outbox's shipping throughput in events/s against the local append rate of
// the same events; and the lead's Audit view, team scope, first paint over a ledger of
// 1,000,000 events (4 machines, runs of 100 events, every run's end signed) against the same
// view over a ledger of 10 runs. HANDRAIL_BENCH_TEAM_EVENTS sets the large ledger's size.
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { TeamOutbox } from '../../src/app/team/outbox.js';
import { TeamShipper } from '../../src/app/team/team-shipper.js';
import type { TeamConfig } from '../../src/app/team/team-config.js';
import type { Settings } from '../../src/app/settings.js';
import { GENESIS_HASH, bodySha256, eventHash, type AuditFields } from '../../src/core/audit/chain-hash.js';
import { keyFingerprint, linkTo, signCheckpoint, type Checkpoint } from '../../src/core/audit/checkpoint.js';
import { openAppDatabase } from '../../src/store/open-database.js';
import { RunStore } from '../../src/store/run-store.js';
import { connectLedger, type LedgerClient } from '../../src/targets/ledger/ledger-connection.js';
import { migrateLedger } from '../../src/targets/ledger/ledger-migrate.js';
import { startPostgres, type PgHandle } from '../support/postgres.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';
import type { Figure } from './table.js';

const BIN = resolve(import.meta.dirname, '../../bin/handrail.js');
const CHROMIUM = '/usr/bin/chromium';
const APPENDS = 300;
const SHIPPED = 20_000;
const RUN_EVENTS = 100;
const ROUNDS = 5;
const body = { target: 'events', reason: 'bench', attempt: 1, note: 'a body of a typical size for a step event' };

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function settingsFor(dataDir: string): Settings {
  return { dataDir, workspace: dataDir, operator: 'bench', operatorName: null, maxOutputBytes: 256 * 1024 * 1024 };
}

/** Median ms of one append, yielding to the event loop between appends so a shipper can run. */
async function appendTimes(store: RunStore): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < APPENDS; i++) {
    const t = performance.now();
    store.appendEvent({ operator: 'bench', kind: 'step.succeeded', body });
    times.push(performance.now() - t);
    await new Promise((r) => setImmediate(r));
  }
  return median(times);
}

async function appendFigure(dir: string, team: TeamConfig): Promise<Figure> {
  const alone = openAppDatabase(join(dir, 'alone'));
  const withTeam = openAppDatabase(join(dir, 'with-team'));
  try {
    const plain = new RunStore(alone.db);
    // Without a team both before and after, so a warm-up in either order does not show as a ratio.
    const before = await appendTimes(plain);
    const store = new RunStore(withTeam.db);
    const shipper = new TeamShipper(new TeamOutbox(withTeam.db, store, settingsFor(join(dir, 'with-team')), team));
    shipper.start();
    const shipping = await appendTimes(store);
    await shipper.stop();
    const without = (before + (await appendTimes(plain))) / 2;
    return { name: 'audit append, team configured (outbox shipping)', value: `${shipping.toFixed(2)} ms (${(shipping / without).toFixed(2)}×)`, baseline: `no team: ${without.toFixed(2)} ms`, goal: '≤ 1.1×' };
  } finally {
    alone.close();
    withTeam.close();
  }
}

async function shipFigure(dir: string, team: TeamConfig): Promise<Figure> {
  const app = openAppDatabase(join(dir, 'shipper'));
  try {
    const store = new RunStore(app.db);
    let t = performance.now();
    store.atomically(() => {
      for (let i = 0; i < SHIPPED; i++) store.appendEvent({ operator: 'bench', kind: 'step.output', body: { ...body, i } });
    });
    const appendRate = SHIPPED / ((performance.now() - t) / 1000);
    const outbox = new TeamOutbox(app.db, store, settingsFor(join(dir, 'shipper')), team);
    t = performance.now();
    for (;;) {
      const report = await outbox.ship();
      if (report.problem) throw new Error(`the bench could not ship: ${report.problem}`);
      if (report.ledgerSeq >= report.localSeq) break;
    }
    const shipRate = SHIPPED / ((performance.now() - t) / 1000);
    return { name: `shipping to a local PostgreSQL (${SHIPPED.toLocaleString('en')} events)`, value: `${shipRate.toFixed(0)} events/s`, baseline: `local append, one transaction: ${appendRate.toFixed(0)} events/s` };
  } finally {
    app.close();
  }
}

interface Machine {
  id: string;
  key: KeyObject;
}

/** `runs` finished runs of RUN_EVENTS events on each machine, chained and signed as a machine writes them, straight into the ledger. */
export async function seedLedger(client: LedgerClient, machines: number, runs: number): Promise<void> {
  await client.query('SET session_replication_role = replica');
  const base = Date.parse('2026-01-01T00:00:00Z');
  for (let m = 0; m < machines; m++) {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const machine: Machine = { id: `bench-machine-${m}`, key: privateKey };
    await client.query('INSERT INTO handrail.machines (machine_id, hostname, public_key_pem, key_fingerprint, registered_by) VALUES ($1, $2, $3, $4, $5)', [
      machine.id, `host-${m}`, publicKey.export({ type: 'spki', format: 'pem' }).toString(), keyFingerprint(publicKey), 'bench',
    ]);
    let prev = GENESIS_HASH;
    let lastCp: Checkpoint | undefined;
    let seq = 0;
    let events: unknown[][] = [];
    let bodies: unknown[][] = [];
    let checkpoints: unknown[][] = [];
    const flush = async () => {
      await insertRows(client, 'handrail.audit_events (machine_id, seq, at, operator, machine, app_version, kind, run_id, step_idx, environment, target, body_sha256, prev_hash, hash)', events);
      await insertRows(client, 'handrail.audit_bodies (machine_id, seq, body_json)', bodies);
      await insertRows(client, 'handrail.audit_checkpoints (machine_id, seq, head_hash, at, signature, public_key_fingerprint, prev_checkpoint_hash)', checkpoints);
      events = [];
      bodies = [];
      checkpoints = [];
    };
    for (let r = 0; r < runs; r++) {
      const runId = `m${m}-r${r.toString().padStart(7, '0')}`;
      for (let i = 0; i < RUN_EVENTS; i++) {
        seq++;
        const at = new Date(base + (r * RUN_EVENTS + i) * 1000 + m).toISOString();
        const last = i === RUN_EVENTS - 1;
        const kind = i === 0 ? 'run.started' : last ? 'run.succeeded' : i % 2 === 1 ? 'step.running' : 'step.succeeded';
        const json = JSON.stringify(i === 0 ? { runbook: `bench-${r % 20}`, version: '1.0.0', sha256: 'a'.repeat(64), environment: 'pilot', inputs: {} } : { attempt: 1 });
        const fields: AuditFields = {
          seq, at, operator: `op${r % 7}`, machine: `host-${m}`, appVersion: '0.1.0', kind, runId,
          stepIdx: i === 0 || last ? null : Math.floor((i - 1) / 2), environment: 'pilot', target: null, bodySha256: bodySha256(json),
        };
        const hash = eventHash(prev, fields);
        events.push([machine.id, seq, at, fields.operator, fields.machine, fields.appVersion, kind, runId, fields.stepIdx, 'pilot', null, fields.bodySha256, prev, hash]);
        bodies.push([machine.id, seq, json]);
        prev = hash;
        if (last) {
          const cp = signCheckpoint(machine.key, { seq, headHash: hash, at, prevCheckpointHash: linkTo(lastCp) });
          checkpoints.push([machine.id, cp.seq, cp.headHash, cp.at, cp.signature, cp.publicKeyFingerprint, cp.prevCheckpointHash ?? null]);
          lastCp = cp;
        }
      }
      if (events.length >= 2000) await flush();
    }
    await flush();
  }
  await client.query('ANALYZE handrail.audit_events');
}

async function insertRows(client: LedgerClient, into: string, rows: unknown[][]): Promise<void> {
  if (rows.length === 0) return;
  const width = rows[0]!.length;
  for (let at = 0; at < rows.length; at += 1000) {
    const chunk = rows.slice(at, at + 1000);
    const values = chunk.map((_, i) => `(${Array.from({ length: width }, (_, j) => `$${i * width + j + 1}`).join(', ')})`).join(', ');
    await client.query(`INSERT INTO ${into} VALUES ${values}`, chunk.flat());
  }
}

function startServe(dataDir: string, workspace: string, env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0'], { env: { ...process.env, HANDRAIL_DATA_DIR: dataDir, HANDRAIL_WORKSPACE: workspace, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const url = /http:\/\/\S+/.exec(out)?.[0];
      if (url) done({ child, url });
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('exit', (code) => fail(new Error(`handrail serve exited ${code} before printing its URL: ${err}`)));
  });
}

/** Median ms from choosing the team scope on the Audit view to its first page of runs painted. */
async function teamPaint(browser: Browser, dir: string, pg: PgHandle, database: string): Promise<number> {
  const workspace = join(dir, `ws-${database}`);
  mkdirSync(workspace, { recursive: true });
  writeFileSync(join(workspace, 'handrail.yml'), `environments:\n  pilot:\n    targets: {}\nteam:\n  postgres: "postgres://postgres@127.0.0.1:${pg.port}/${database}"\n  password-env: HANDRAIL_LEDGER_PASSWORD\n`);
  const { child, url } = await startServe(join(dir, `lead-${database}`), workspace, { HANDRAIL_LEDGER_PASSWORD: pg.password });
  const page = await (await browser.newContext()).newPage();
  try {
    await page.goto(`${url}#/audit`);
    await page.waitForSelector('html[data-app-state="ready"]');
    const times: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      await page.getByLabel('Scope').selectOption('local');
      await page.getByRole('status').filter({ hasText: /runs|Loading/ }).first().waitFor();
      const t = performance.now();
      await page.getByLabel('Scope').selectOption('team');
      await page.getByRole('table', { name: 'Team runs, newest first' }).getByRole('row').nth(1).waitFor();
      times.push(performance.now() - t);
    }
    return median(times);
  } finally {
    await page.context().close();
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
}

export async function benchTeam(): Promise<Figure[]> {
  const large = Number(process.env.HANDRAIL_BENCH_TEAM_EVENTS ?? 1_000_000);
  const dir = await makeTempDir('bench-team');
  const pg = await startPostgres({ database: 'ledger' });
  try {
    const admin = { url: pg.url, password: pg.password };
    const init = await connectLedger(admin, 'bench init');
    await migrateLedger(init);
    await init.end();
    const team: TeamConfig = { ...admin, source: 'HANDRAIL_TEAM_URL', passwordEnv: undefined };
    const figures = [await appendFigure(dir, team), await shipFigure(dir, team)];
    if (!existsSync(CHROMIUM)) return [...figures, { name: 'team Audit view first paint', value: 'not measured', baseline: `${CHROMIUM} is not installed` }];
    for (const [database, machines, runs] of [['ledger_small', 1, 10], ['ledger_big', 4, Math.max(1, Math.round(large / 4 / RUN_EVENTS))]] as const) {
      await pg.psql(`CREATE DATABASE ${database}`, { database: 'postgres' });
      const client = await connectLedger({ url: `postgres://postgres@127.0.0.1:${pg.port}/${database}`, password: pg.password }, 'bench seed');
      try {
        await migrateLedger(client);
        await seedLedger(client, machines, runs);
      } finally {
        await client.end();
      }
    }
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    try {
      const small = await teamPaint(browser, dir, pg, 'ledger_small');
      const big = await teamPaint(browser, dir, pg, 'ledger_big');
      figures.push({ name: `team Audit view first paint, ${large.toLocaleString('en')} ledger events`, value: `${big.toFixed(0)} ms (${(big / small).toFixed(2)}×)`, baseline: `10 runs: ${small.toFixed(0)} ms`, goal: '≤ 1.5× (paged, indexed)' });
    } finally {
      await browser.close();
    }
    return figures;
  } finally {
    await pg.stop();
    await removeDir(dir);
  }
}
