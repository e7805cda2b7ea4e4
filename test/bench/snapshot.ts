// Snapshot cost: a SQLite snapshot from "requested" to "verified" (written, fsynced, hashed,
// quick_check'ed, renamed) against `cp` of the same file on the same disk, the longest
// event-loop stall meanwhile, and a small database's snapshot, where fixed costs (process and
// module starts) are all there is. HANDRAIL_BENCH_SNAPSHOT_MB sets the large size (default 1024).
import { spawn, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { makeTempDir, removeDir } from '../support/temp-dir.js';
import { loadSnapshotModule, type SqliteModule } from './snapshot-load.js';
import { atMost, settings, show, stats, type Figure } from './table.js';

const SMALL_MB = 10;

export async function benchSnapshot(): Promise<Figure[]> {
  const mb = Number(process.env['HANDRAIL_BENCH_SNAPSHOT_MB'] ?? 1024);
  // Same folder as the snapshots, so `cp` and the snapshot write to the same disk.
  const dir = await makeTempDir('bench-snap');
  try {
    const db = join(dir, 'app.db');
    generate(db, mb);
    const { createSqliteSnapshotProvider } = await loadSnapshotModule<SqliteModule>('sqlite-snapshot', () => import('../../src/targets/snapshot/sqlite-snapshot.js'));
    const provider = createSqliteSnapshotProvider(db);

    const cp: number[] = [];
    const cpSync: number[] = [];
    const snapshot: number[] = [];
    let stall = 0;
    let cpStall = 0;
    for (let run = 0; run < settings.runs; run++) {
      // Each measurement starts with no dirty pages, or the kernel's writeback of the last
      // one throttles the next and the order decides the result.
      settle();
      const copy = join(dir, `cp-${run}.db`);
      let cpMs = 0;
      const copied = await measure(async () => {
        const start = performance.now();
        await runCp(db, copy);
        cpMs = performance.now() - start;
        await fsync(copy);
      });
      cp.push(cpMs);
      cpSync.push(copied.ms);
      // The baseline stall: an idle event loop while the same bytes are written and flushed.
      // On this VM heavy writeback alone stalls it 20–30 ms, every 100 ms.
      cpStall = Math.max(cpStall, copied.stallMs);
      rmSync(copy);

      settle();
      const path = join(dir, `snap-${run}.sqlite`);
      const taken = await measure(() => provider.take({ path, signal: new AbortController().signal }));
      snapshot.push(taken.ms);
      stall = Math.max(stall, taken.stallMs);
      rmSync(path);
    }
    const ratio = stats(snapshot.map((v, i) => v / cpSync[i]!));
    return [
      {
        name: `SQLite snapshot ${mb} MiB, requested → verified`,
        value: `${show.x(ratio)} cp+fsync; ${show.s(stats(snapshot))}`,
        baseline: `cp ${show.s(stats(cp))}, cp+fsync ${show.s(stats(cpSync))}`,
        goal: atMost(ratio, 1.3, '≤ 1.3× cp+fsync'),
      },
      {
        name: 'SQLite snapshot: longest event-loop stall',
        value: `${stall.toFixed(0)} ms`,
        baseline: `while awaiting cp+fsync: ${cpStall.toFixed(0)} ms`,
        goal: { text: '< 50 ms', met: stall < 50 },
      },
    ];
  } finally {
    await removeDir(dir);
  }
}

/** A 10 MB database from "requested" to "verified": in a fresh process, as `handrail snapshot` would. */
export async function benchSmallSnapshot(): Promise<Figure[]> {
  const dir = await makeTempDir('bench-snap-small');
  try {
    const db = join(dir, 'app.db');
    generate(db, SMALL_MB);
    const { createSqliteSnapshotProvider } = await loadSnapshotModule<SqliteModule>('sqlite-snapshot', () => import('../../src/targets/snapshot/sqlite-snapshot.js'));
    const provider = createSqliteSnapshotProvider(db);
    await provider.take({ path: join(dir, 'warm.sqlite'), signal: new AbortController().signal });
    const taken: number[] = [];
    for (let run = 0; run < settings.runs; run++) {
      settle();
      const path = join(dir, `snap-${run}.sqlite`);
      taken.push((await measure(() => provider.take({ path, signal: new AbortController().signal }))).ms);
      rmSync(path);
    }
    const s = stats(taken);
    return [{ name: `SQLite snapshot ${SMALL_MB} MB, requested → verified`, value: show.ms(s), baseline: 'fixed costs only (worker start, fsync, quick_check)', goal: atMost(s, 150, '≤ 150 ms') }];
  } finally {
    await removeDir(dir);
  }
}

/** A WAL database of `mb` MiB: 1 KB random blobs with an indexed text key. */
function generate(path: string, mb: number): void {
  const db = new Database(path);
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.exec('CREATE TABLE items(id INTEGER PRIMARY KEY, k TEXT, v BLOB); CREATE INDEX items_k ON items(k)');
  const rows = Math.round((mb * 1024 * 1024) / 1100);
  db.prepare('WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ?) INSERT INTO items(k, v) SELECT hex(randomblob(8)), randomblob(1000) FROM c').run(rows);
  db.pragma('journal_mode = WAL');
  db.close();
}

async function measure(fn: () => Promise<unknown>): Promise<{ ms: number; stallMs: number }> {
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  const start = performance.now();
  await fn();
  const ms = performance.now() - start;
  delay.disable();
  return { ms, stallMs: delay.max / 1e6 };
}

function runCp(from: string, to: string): Promise<void> {
  return new Promise((done, fail) => {
    spawn('cp', [from, to], { stdio: 'ignore' })
      .on('error', fail)
      .on('close', (code) => (code === 0 ? done() : fail(new Error(`cp exited ${code}`))));
  });
}

async function fsync(path: string): Promise<void> {
  const handle = await open(path, 'r+');
  await handle.sync();
  await handle.close();
}

function settle(): void {
  spawnSync('sync');
}

