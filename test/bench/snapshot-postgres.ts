// PostgreSQL half of snapshot.ts: our snapshot (pg_dump streamed into the file, the hash and the
// full-read verification at once, then fsync and rename), at its own default compression,
// against plain `pg_dump -Fc -Z1`, the baseline the goal names.
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadSnapshotModule, type PostgresModule } from './snapshot-load.js';
import { findPgBinDir, startPostgres } from '../support/postgres.js';
import { atMost, settings, show, stats, type Figure } from './table.js';

/** The baseline's level; the snapshot uses the provider's default. */
const LEVEL = 1;

export async function benchPostgresSnapshot(): Promise<Figure[]> {
  const mb = Number(process.env['HANDRAIL_BENCH_SNAPSHOT_PG_MB'] ?? 256);
  const name = `PostgreSQL snapshot ${mb} MiB, requested → verified`;
  const available = await findPgBinDir().then(
    () => true,
    () => false,
  );
  if (!available) return [{ name, value: 'skipped', baseline: 'PostgreSQL is not installed' }];

  const pg = await startPostgres();
  try {
    // md5 text compresses about as well as typical application data (roughly 2:1).
    const rows = Math.round((mb * 1024 * 1024) / 180);
    await pg.psql(`CREATE TABLE items(id bigserial PRIMARY KEY, a text, b text, n numeric);
      INSERT INTO items(a, b, n) SELECT md5(g::text) || md5((g * 7)::text), md5(random()::text), g / 3.0 FROM generate_series(1, ${rows}) g;
      VACUUM ANALYZE items;`);
    const { createPostgresSnapshotProvider } = await loadSnapshotModule<PostgresModule>('postgres-snapshot', () => import('../../src/targets/snapshot/postgres-snapshot.js'));
    const provider = createPostgresSnapshotProvider({ url: pg.url, password: pg.password, binDir: pg.binDir });
    const dump: number[] = [];
    const snapshot: number[] = [];
    for (let run = 0; run < settings.runs; run++) {
      const plain = join(pg.dir, `plain-${run}.dump`);
      let start = performance.now();
      await pgDump(join(pg.binDir, 'pg_dump'), ['--format=custom', `--compress=${LEVEL}`, `--file=${plain}`, `--dbname=${pg.url}`], pg.env({ withPassword: true }));
      dump.push(performance.now() - start);
      rmSync(plain);

      const path = join(pg.dir, `snap-${run}.dump`);
      start = performance.now();
      await provider.take({ path, signal: new AbortController().signal });
      snapshot.push(performance.now() - start);
      rmSync(path);
    }
    const ratio = stats(snapshot.map((v, i) => v / dump[i]!));
    return [{ name, value: `${show.x(ratio)}; ${show.s(stats(snapshot))}`, baseline: `pg_dump -Fc -Z${LEVEL} ${show.s(stats(dump))}`, goal: atMost(ratio, 1.15) }];
  } finally {
    await pg.stop();
  }
}

function pgDump(program: string, args: string[], env: Record<string, string>): Promise<void> {
  return new Promise((done, fail) => {
    spawn(program, args, { stdio: 'ignore', env: { ...process.env, ...env } })
      .on('error', fail)
      .on('close', (code) => (code === 0 ? done() : fail(new Error(`pg_dump exited ${code}`))));
  });
}
