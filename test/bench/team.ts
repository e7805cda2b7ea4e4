// The team ledger's costs, against a local PostgreSQL started here: an audit append while the
// outbox ships in the background against the same append with no team (shipping is off the
// step's path); the outbox's shipping throughput in events/s against the local append rate of
// the same events; and the lead's Audit view, team scope, first paint over a ledger of
// 1,000,000 events (4 machines, runs of 100 events, every run's end signed) against the same
// view over a ledger of 10 runs. HANDRAIL_BENCH_TEAM_EVENTS sets the large ledger's size.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { TeamOutbox } from '../../src/app/team/outbox.js';
import { TeamShipper } from '../../src/app/team/team-shipper.js';
import type { TeamConfig } from '../../src/app/team/team-config.js';
import type { Settings } from '../../src/app/settings.js';
import { openAppDatabase } from '../../src/store/open-database.js';
import { RunStore } from '../../src/store/run-store.js';
import { connectLedger } from '../../src/targets/ledger/ledger-connection.js';
import { migrateLedger } from '../../src/targets/ledger/ledger-migrate.js';
import { RUN_EVENTS, seedLedger } from '../support/ledger-seed.js';
import { startPostgres, type PgHandle } from '../support/postgres.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';
import { atMost, settings, show, stats, type Figure, type Stats } from './table.js';

const BIN = resolve(import.meta.dirname, '../../bin/handrail.js');
const CHROMIUM = '/usr/bin/chromium';
const APPENDS = 300;
const SHIPPED = 20_000;
const ROUNDS = 5;
const WINDOW_MS = 6_000;
const body = { target: 'events', reason: 'bench', attempt: 1, note: 'a body of a typical size for a step event' };

function median(values: number[]): number {
  return stats(values).median;
}

function settingsFor(dataDir: string): Settings {
  return { dataDir, workspace: dataDir, operator: 'bench', operatorName: null, maxOutputBytes: 256 * 1024 * 1024 };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/**
 * Ms of each of `count` appends, or until `enough()` says the window is long enough, yielding
 * to the event loop between appends so a shipper runs as it would beside a run.
 */
async function appendTimes(store: RunStore, count: number, enough: () => boolean = () => true): Promise<number[]> {
  const times: number[] = [];
  while (times.length < count || !enough()) {
    const t = performance.now();
    store.appendEvent({ operator: 'bench', kind: 'step.succeeded', body });
    times.push(performance.now() - t);
    await new Promise((r) => setImmediate(r));
  }
  return times;
}

/**
 * Rounds of appends with the team's shipper running against the same number of appends to a
 * store with no team, in the same round, the order swapped every round so neither always
 * comes second. The team's window lasts until two shipments that took events have ended
 * inside it (the shipper ticks once a second), so shipping really happens beside the timed
 * appends; the appends themselves are the same code with or without a team.
 */
async function appendFigure(dir: string, team: TeamConfig): Promise<Figure> {
  const alone = openAppDatabase(join(dir, 'alone'));
  const withTeam = openAppDatabase(join(dir, 'with-team'));
  try {
    const plain = new RunStore(alone.db);
    const store = new RunStore(withTeam.db);
    const outbox = new TeamOutbox(withTeam.db, store, settingsFor(join(dir, 'with-team')), team);
    let shipments = 0;
    let shippedEvents = 0;
    let windowsCut = 0;
    const ship = outbox.ship.bind(outbox);
    outbox.ship = async (kept) => {
      const report = await ship(kept);
      if (report.problem) throw new Error(`the bench could not ship: ${report.problem}`);
      if (report.shipped > 0) shipments++;
      shippedEvents += report.shipped;
      return report;
    };
    const shipper = new TeamShipper(outbox);
    const teamed = async (): Promise<number[]> => {
      // What earlier rounds left unshipped goes first, outside the window.
      await shipper.stop();
      shipments = 0;
      shipper.start();
      // Appends flat out can outrun a shipper that cannot keep up: then a shipment never ends,
      // and the window closes after WINDOW_MS, said in the figure.
      const until = performance.now() + WINDOW_MS;
      const times = await appendTimes(store, APPENDS, () => shipments >= 2 || performance.now() > until);
      if (shipments < 2) windowsCut++;
      await shipper.stop();
      return times;
    };
    // A warm-up of each store, not counted.
    await appendTimes(plain, APPENDS);
    await appendTimes(store, APPENDS);
    const ratios: number[] = [];
    const teamP50: number[] = [];
    const aloneP50: number[] = [];
    let teamP99 = 0;
    let aloneP99 = 0;
    let counted = 0;
    let shippedBefore = 0;
    let shippedDuring = 0;
    for (let round = 0; round < settings.runs; round++) {
      let withShipping: number[];
      let without: number[];
      if (round % 2 === 0) {
        without = await appendTimes(plain, APPENDS);
        shippedBefore = shippedEvents;
        withShipping = await teamed();
        without = without.concat(await appendTimes(plain, Math.max(0, withShipping.length - without.length)));
      } else {
        shippedBefore = shippedEvents;
        withShipping = await teamed();
        without = await appendTimes(plain, withShipping.length);
      }
      shippedDuring += shippedEvents - shippedBefore;
      counted += withShipping.length;
      teamP50.push(percentile(withShipping, 50));
      aloneP50.push(percentile(without, 50));
      teamP99 = Math.max(teamP99, percentile(withShipping, 99));
      aloneP99 = Math.max(aloneP99, percentile(without, 99));
      ratios.push(percentile(withShipping, 50) / percentile(without, 50));
    }
    const ratio = stats(ratios);
    return {
      name: 'audit append p50, team configured (outbox shipping)',
      value: `${show.x(ratio)}; ${show.ms(stats(teamP50), 3)}, worst p99 ${teamP99.toFixed(2)} ms`,
      baseline: `no team: ${show.ms(stats(aloneP50), 3)}, worst p99 ${aloneP99.toFixed(2)} ms; ${counted.toLocaleString('en')} appends timed while ${shippedDuring.toLocaleString('en')} events shipped${windowsCut > 0 ? ` (in ${windowsCut} rounds shipping could not keep up: window closed after ${WINDOW_MS / 1000} s)` : ''}`,
      goal: atMost(ratio, 1.1),
    };
  } finally {
    alone.close();
    withTeam.close();
  }
}

/** Events/s of shipping SHIPPED events to the ledger from a new data folder (a new machine each time). */
async function shipRates(dir: string, team: TeamConfig): Promise<{ ship: number; append: number }> {
  const app = openAppDatabase(dir);
  try {
    const store = new RunStore(app.db);
    let t = performance.now();
    store.atomically(() => {
      for (let i = 0; i < SHIPPED; i++) store.appendEvent({ operator: 'bench', kind: 'step.output', body: { ...body, i } });
    });
    const append = SHIPPED / ((performance.now() - t) / 1000);
    const outbox = new TeamOutbox(app.db, store, settingsFor(dir), team);
    t = performance.now();
    for (;;) {
      const report = await outbox.ship();
      if (report.problem) throw new Error(`the bench could not ship: ${report.problem}`);
      if (report.ledgerSeq >= report.localSeq) break;
    }
    return { ship: SHIPPED / ((performance.now() - t) / 1000), append };
  } finally {
    app.close();
  }
}

async function shipFigure(dir: string, team: TeamConfig): Promise<Figure> {
  const ship: number[] = [];
  const append: number[] = [];
  for (let i = 0; i < settings.runs; i++) {
    const rates = await shipRates(join(dir, `shipper-${i}`), team);
    ship.push(rates.ship);
    append.push(rates.append);
  }
  const rate = (s: Stats) => `${s.median.toFixed(0)} events/s (${s.min.toFixed(0)}–${s.max.toFixed(0)})`;
  return { name: `shipping to a local PostgreSQL (${SHIPPED.toLocaleString('en')} events)`, value: rate(stats(ship)), baseline: `local append, one transaction: ${rate(stats(append))}` };
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

/**
 * Run in the page before the scope changes: ms from the select's change event to the frame
 * that paints the team table's first run (the animation frame after the row is in the DOM).
 * Page-side JavaScript as text: the bench is type-checked without the DOM's types.
 */
const WATCH_TEAM_PAINT = `window.teamPainted = new Promise((done) => {
  let start = 0;
  document.addEventListener('change', () => (start = performance.now()), { capture: true, once: true });
  const watch = new MutationObserver(() => {
    if (!document.querySelector('table[aria-label="Team runs, newest first"] tbody tr')) return;
    watch.disconnect();
    requestAnimationFrame(() => done(performance.now() - start));
  });
  watch.observe(document.body, { childList: true, subtree: true });
}); undefined`;

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
      // Timed inside the page: Playwright's waitFor looks again after 20, 50, 100, 100, then
      // every 500 ms, so timed from here a paint read as the next look (70, 170, 270 ms…).
      await page.evaluate(WATCH_TEAM_PAINT);
      await page.getByLabel('Scope').selectOption('team');
      times.push(await page.evaluate<number>('window.teamPainted'));
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
