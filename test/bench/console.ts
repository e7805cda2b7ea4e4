// The browser console in Debian's Chromium: how long from starting `handrail serve` until the
// Runbooks view is painted and says data-app-state="ready", against the same browser loading a
// plain page from a bare Node HTTP server started the same way; and the Audit view's first
// paint with 100,000 runs in the store, against the same view with 10 runs.
// HANDRAIL_BENCH_RUNS sets the large store's size (default 100,000).
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { WebSocket } from 'ws';
import { openAppDatabase } from '../../src/store/open-database.js';
import { RunStore } from '../../src/store/run-store.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';
import { atMost, settings, show, stats, type Figure, type Stats } from './table.js';

const BIN = resolve(import.meta.dirname, '../../bin/handrail.js');

// When a page is ready is read on the page's own clock, not from Playwright's waits: a wait
// checks again 0, 20, 50, 100, 100 and then every 500 ms, so a state reached 300 ms after the
// wait began was seen up to half a second late (seen: ready at 862 ms, noticed at 1,298 ms).
// An observer in the page notes the first moment the state holds (the DOM changed and the
// condition is true), as epoch milliseconds, which this process compares with its own start.
// Playwright's waits still run, only to know when to read the note.
const RUNBOOKS_PAINTED = `document.documentElement.dataset.appState === 'ready' && document.querySelector('table.runbook-table') !== null`;
const AUDIT_PAINTED = `[...document.querySelectorAll('[role=listitem]')].some((e) => e.textContent.includes('Succeeded'))`;
const BARE_PAINTED = `document.body !== null && document.body.textContent.includes('ready')`;

function noteWhen(condition: string): string {
  return `(() => {
    const observer = new MutationObserver(() => {
      if (window.__benchPaintedAt === undefined && (${condition})) {
        window.__benchPaintedAt = performance.timeOrigin + performance.now();
        observer.disconnect();
      }
    });
    observer.observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
  })();`;
}

/** Milliseconds from `start` (this process's performance.now()) to the moment the page noted. */
async function notedSince(page: Page, start: number): Promise<number> {
  const at = await page.evaluate(() => (globalThis as unknown as { __benchPaintedAt?: number }).__benchPaintedAt);
  const now = performance.timeOrigin + performance.now();
  const from = performance.timeOrigin + start;
  // Both clocks are this machine's; a note outside the wait means they disagree, not a figure.
  if (at === undefined || at < from || at > now) throw new Error(`the page's ready time (${at}) is not between the start (${from}) and now (${now}): its clock and this process's disagree`);
  return at - from;
}
const CHROMIUM = '/usr/bin/chromium';

/** Starts a process and resolves with the first http:// URL it prints, and the process. */
function startPrintingUrl(args: string[], env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const url = /http:\/\/\S+/.exec(out)?.[0];
      if (url) done({ child, url });
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('exit', (code) => fail(new Error(`${args.join(' ')} exited ${code} before printing its URL: ${err}`)));
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

const BARE_SERVER = `require('node:http').createServer((q, s) => s.end('<!doctype html><title>x</title><p>ready</p>')).listen(0, '127.0.0.1', function () { console.log('http://127.0.0.1:' + this.address().port + '/'); });`;

const FLOOR = resolve(import.meta.dirname, 'console-floor.mjs');
const RENDERER_DIR = resolve(import.meta.dirname, '../../renderer/dist');

/** What a console over `dataDir` answers to the Runbooks view's first calls, for the floor to answer the same. */
async function firstAnswers(dataDir: string): Promise<Record<string, unknown>> {
  const { child, url } = await startPrintingUrl([BIN, 'serve', '--port', '0'], { HANDRAIL_DATA_DIR: dataDir });
  try {
    const signIn = new URL(url);
    const socket = new WebSocket(`ws://${signIn.host}/api/ws`, { headers: { Origin: signIn.origin, Authorization: `Bearer ${signIn.searchParams.get('token')}` } });
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    const ops = ['appInfo', 'listRunbooks'];
    const answers: Record<string, unknown> = {};
    const judging = () => (answers.listRunbooks as { runbooks?: { judging?: boolean }[] } | undefined)?.runbooks?.some((r) => r.judging === true) === true;
    // A data folder that has not seen the workspace answers while judging it: ask again once
    // the console says the verdicts are in (and kept, for the known workspace's runs).
    await new Promise<void>((resolve) => {
      socket.on('message', (data: Buffer) => {
        const message = JSON.parse(data.toString()) as { id?: number; result?: unknown; event?: { type: string } };
        if (typeof message.id === 'number') answers[ops[message.id] ?? ''] = message.result;
        if (message.event?.type === 'runbooks-judged') socket.send(JSON.stringify({ id: 1, op: 'listRunbooks', request: {} }));
        else if (Object.keys(answers).length === ops.length && !judging()) resolve();
      });
      ops.forEach((op, id) => socket.send(JSON.stringify({ id, op, request: {} })));
    });
    socket.close();
    return answers;
  } finally {
    await stop(child);
  }
}

/** Milliseconds from spawning the floor (console-floor.mjs) to the Runbooks view ready. */
async function floorReady(browser: Browser, answersFile: string): Promise<number> {
  const page = await (await browser.newContext()).newPage();
  await page.addInitScript({ content: noteWhen(RUNBOOKS_PAINTED) });
  const start = performance.now();
  const { child, url } = await startPrintingUrl([FLOOR], { RENDERER_DIR, ANSWERS: answersFile });
  try {
    await page.goto(`${url}#/runbooks`);
    await page.waitForSelector('html[data-app-state="ready"]');
    await page.waitForSelector('role=link[name="Runbooks"]');
    return await notedSince(page, start);
  } finally {
    await page.context().close();
    await stop(child);
  }
}

async function rounds(fn: () => Promise<number>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < settings.runs; i++) times.push(await fn());
  return times;
}

/** Milliseconds from spawning `handrail serve` to `hash` painted with data-app-state="ready". */
async function consoleReady(browser: Browser, dataDir: string, hash: string, visible: string, painted = RUNBOOKS_PAINTED): Promise<number> {
  const page = await (await browser.newContext()).newPage();
  await page.addInitScript({ content: noteWhen(painted) });
  const start = performance.now();
  const { child, url } = await startPrintingUrl([BIN, 'serve', '--port', '0'], { HANDRAIL_DATA_DIR: dataDir });
  try {
    // The fragment survives the token exchange's redirect (browsers keep it).
    await page.goto(`${url}${hash}`);
    await page.waitForSelector('html[data-app-state="ready"]');
    await page.waitForSelector(visible);
    return await notedSince(page, start);
  } finally {
    await page.context().close();
    await stop(child);
  }
}

async function bareReady(browser: Browser): Promise<number> {
  const page = await (await browser.newContext()).newPage();
  await page.addInitScript({ content: noteWhen(BARE_PAINTED) });
  const start = performance.now();
  const { child, url } = await startPrintingUrl(['-e', BARE_SERVER], {});
  try {
    await page.goto(url);
    await page.waitForSelector('text=ready');
    return await notedSince(page, start);
  } finally {
    await page.context().close();
    await stop(child);
  }
}

/** `count` finished runs, written straight into the store (one transaction). */
function seedRuns(dataDir: string, count: number): void {
  const app = openAppDatabase(dataDir);
  try {
    const store = new RunStore(app.db);
    const source = Buffer.from('---\nid: bench\ntitle: Bench\nversion: 1.0.0\n---\n');
    const sha = createHash('sha256').update(source).digest('hex');
    store.atomically(() => {
      for (let i = 0; i < count; i++) {
        const id = `r${i.toString(16).padStart(6, '0')}`;
        store.createRun({ id, runbookId: `bench-${i % 50}`, runbookVersion: '1.0.0', runbookSha256: sha, runbookPath: 'bench.md', runbookSource: source,
          environment: i % 3 === 0 ? 'pilot' : 'local-demo', operator: `op${i % 7}`, inputs: {}, steps: [] });
        store.setRunStatus(id, i % 10 === 0 ? 'failed' : 'succeeded');
      }
    });
  } finally {
    app.close();
  }
}

export async function benchConsole(): Promise<Figure[]> {
  if (!existsSync(CHROMIUM)) return [{ name: 'console ready', value: 'not measured', baseline: `${CHROMIUM} is not installed` }];
  const large = Number(process.env.HANDRAIL_BENCH_RUNS ?? 100_000);
  const dir = await makeTempDir('bench-console');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  try {
    const fresh = join(dir, 'fresh');
    const small = join(dir, 'small');
    const big = join(dir, 'big');
    seedRuns(small, 10);
    seedRuns(big, large);
    let n = 0;
    // Alternately, so both see the same load; a fresh data directory each time: the first
    // start of a newcomer.
    const bare: number[] = [];
    const ready: number[] = [];
    // And an operator's next start: the same data folder, whose kept verdicts answer at once.
    const known = join(dir, 'known');
    const again: number[] = [];
    // Its verdicts judged and kept (firstAnswers waits for them); and the floor: the same page
    // and the same answers from a bare Node server.
    const answersFile = join(dir, 'first-answers.json');
    writeFileSync(answersFile, JSON.stringify(await firstAnswers(known)));
    const floor: number[] = [];
    for (let i = 0; i < settings.runs; i++) {
      bare.push(await bareReady(browser));
      floor.push(await floorReady(browser, answersFile));
      ready.push(await consoleReady(browser, `${fresh}-${n++}`, '#/runbooks', 'role=link[name="Runbooks"]'));
      again.push(await consoleReady(browser, known, '#/runbooks', 'role=link[name="Runbooks"]'));
    }
    // Painted: the run count is shown and the newest run's row is on screen.
    const painted = '[role=listitem]:has-text("Succeeded")';
    const auditSmall = stats(await rounds(() => consoleReady(browser, small, '#/audit', painted, AUDIT_PAINTED)));
    const auditBig = stats(await rounds(() => consoleReady(browser, big, '#/audit', painted, AUDIT_PAINTED)));
    const ratio: Stats = stats(ready.map((r, i) => r / bare[i]!));
    const againRatio: Stats = stats(again.map((r, i) => r / bare[i]!));
    const floorRatio: Stats = stats(floor.map((r, i) => r / bare[i]!));
    const overFloor: Stats = stats(again.map((r, i) => r / floor[i]!));
    const auditRatio = auditBig.median / auditSmall.median;
    return [
      { name: 'console ready (serve start → Runbooks view ready), a new data folder', value: `${show.x(ratio)}; ${show.ms(stats(ready))}`, baseline: `bare Node server + plain page: ${show.ms(stats(bare))}`, goal: atMost(ratio, 2) },
      { name: 'console ready, a known workspace (verdicts kept)', value: `${show.x(againRatio)}; ${show.ms(stats(again))}`, baseline: `bare Node server + plain page: ${show.ms(stats(bare))}`, goal: atMost(againRatio, 2) },
      { name: 'console ready floor: the same page and answers from a bare Node server', value: `${show.x(floorRatio)}; ${show.ms(stats(floor))}; the known workspace is ${show.x(overFloor)} of it`, baseline: `bare Node server + plain page: ${show.ms(stats(bare))}` },
      {
        name: `Audit view first paint, ${large.toLocaleString('en')} runs`,
        value: `${auditRatio.toFixed(2)}×; ${show.ms(auditBig)}`,
        baseline: `10 runs: ${show.ms(auditSmall)}`,
        goal: { text: '≤ 1.5× (virtualized, paged)', met: auditRatio <= 1.5 },
      },
    ];
  } finally {
    await browser.close();
    await removeDir(dir);
  }
}
