// The targets of one environment, opened for one run: a shell per SSH host (one
// connection reused across steps), a SQL executor per database, the HTTP client, and the
// snapshot provider of each database. SSH host keys are checked here, before any step runs.
import { existsSync, readFileSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { targetKind, type TargetSpec } from '../contract/inventory.js';
import type { HttpExecutor, ShellExecutor, SnapshotProvider, SqlExecutor } from '../core/engine/ports.js';
import type { SnapshotSource, TargetResolver } from '../core/engine/run-ports.js';
import { createHttpExecutor } from '../targets/http-target.js';
import { createLocalShell } from '../targets/local-shell.js';
import { createPostgresSnapshotProvider } from '../targets/snapshot/postgres-snapshot.js';
import { createSqliteSnapshotProvider } from '../targets/snapshot/sqlite-snapshot.js';
import { ensureSeededDatabase } from '../targets/sqlite-seed.js';
import { createSqliteExecutor } from '../targets/sqlite-target.js';
// The desktop app's build of better-sqlite3 (Electron's ABI), for the SQLite workers too.
import { electronNativeBinding } from '../store/open-database.js';
import type { SshSession } from '../targets/ssh/ssh-connection.js';
import { passwordOf } from './database-password.js';
import { UserError } from './errors.js';
import { expandPath, expandVariables } from './paths.js';
import type { RunPlan } from './run-plan.js';
import type { Settings } from './settings.js';

export interface TargetOptions {
  settings: Settings;
  askPassphrase?: (prompt: string) => Promise<string>;
  acceptHostKeys: string[];
  onEvent: (kind: string, body: Record<string, unknown>) => void;
}

export type OpenTargets = TargetResolver & { close(): Promise<void> };

/** Only what opening needs, so the recorder can open one target of an environment without a runbook. */
export type TargetPlan = Pick<RunPlan, 'targets' | 'environment' | 'environmentName'>;

export async function openTargets(plan: TargetPlan, options: TargetOptions): Promise<OpenTargets> {
  const { settings } = options;
  const path = (p: string) => expandPath(p, settings);
  const ssh = new Map<string, SshSession>();
  const sql = new Map<string, SqlExecutor>();
  let http: HttpExecutor | undefined;
  const local = createLocalShell();
  const close = async () => {
    await Promise.allSettled([...ssh.values()].map((s) => s.close()));
    await Promise.allSettled([...sql.values()].map((s) => s.close()));
  };

  try {
    for (const [name, spec] of plan.targets) {
      if (spec === 'local') continue;
      if ('ssh' in spec) ssh.set(name, await openSsh(name, spec, options));
      if ('sqlite' in spec && spec.seed && !existsSync(path(spec.sqlite))) {
        // Practice environments create their database on first use from a seed file.
        ensureSeededDatabase(path(spec.sqlite), readFileSync(path(spec.seed), 'utf8'), electronNativeBinding());
        options.onEvent('target.seeded', { target: name, path: path(spec.sqlite), seed: path(spec.seed) });
      }
    }
  } catch (error) {
    await close();
    throw error;
  }

  const spec = (name: string): TargetSpec => {
    const found = plan.targets.get(name);
    if (!found) throw new Error(`target '${name}' is not defined in environment '${plan.environmentName}'`);
    return found;
  };

  return {
    // Steps get Handrail's own environment only where the inventory names it (pass-env);
    // the inventory's own variables win over a passed one of the same name.
    variables: {
      ...Object.fromEntries((plan.environment['pass-env'] ?? []).flatMap((k) => (process.env[k] === undefined ? [] : [[k, process.env[k]]]))),
      ...Object.fromEntries(Object.entries(plan.environment.variables ?? {}).map(([k, v]) => [k, expandVariables(String(v), settings)])),
    },
    async shell(name): Promise<ShellExecutor> {
      return ssh.get(name) ?? local;
    },
    async sql(name): Promise<SqlExecutor> {
      let executor = sql.get(name);
      if (!executor) {
        const s = spec(name);
        if (s === 'local' || 'ssh' in s) throw new Error(`target '${name}' is not a database`);
        // pg is loaded only by a run that has a PostgreSQL target (a local run's start pays nothing for it).
        executor =
          'sqlite' in s
            ? createSqliteExecutor(path(s.sqlite), { nativeBinding: electronNativeBinding() })
            : (await import('../targets/postgres-target.js')).createPostgresExecutor({ url: s.postgres, password: passwordOf(s) });
        sql.set(name, executor);
      }
      return executor;
    },
    http() {
      http ??= createHttpExecutor();
      return http;
    },
    snapshot(name) {
      const s = spec(name);
      if (s === 'local' || 'ssh' in s) return { refused: `${name} is ${targetKind(s)}, not a database` };
      return snapshotSource(name, s, settings.dataDir, path);
    },
    close,
  };
}

async function openSsh(name: string, spec: Extract<TargetSpec, { ssh: string }>, options: TargetOptions): Promise<SshSession> {
  const { settings } = options;
  const [user, host] = spec.ssh.split('@') as [string, string];
  const own = join(settings.dataDir, 'known_hosts');
  const knownHostsPaths = [
    ...(spec['known-hosts'] ? [expandPath(spec['known-hosts'], settings)] : []),
    join(homedir(), '.ssh', 'known_hosts'),
    own,
  ];
  // ssh2 is loaded only by a run that has an SSH target.
  const { connectSsh } = await import('../targets/ssh/ssh-connection.js');
  try {
    return await connectSsh({
      host,
      port: spec.port ?? 22,
      user,
      ...(spec.identity ? { identityPath: expandPath(spec.identity, settings) } : {}),
      ...(options.askPassphrase && spec.identity
        ? { passphrase: () => options.askPassphrase!(`Passphrase for ${spec.identity} (target ${name}): `) }
        : {}),
      knownHostsPaths,
      acceptedFingerprints: options.acceptHostKeys,
      recordAcceptedTo: own,
      onHostKey: (event) => options.onEvent(`host-key.${event.status}`, { target: name, host, port: spec.port ?? 22, ...event }),
    });
  } catch (error) {
    throw new UserError(`${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Where a database's snapshot goes and who takes it. */
export function snapshotSource(
  name: string,
  spec: Extract<TargetSpec, { sqlite: string }> | Extract<TargetSpec, { postgres: string }>,
  dataDir: string,
  path: (p: string) => string,
): SnapshotSource {
  const dir = join(dataDir, 'snapshots');
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const sqlite = 'sqlite' in spec;
  const provider: SnapshotProvider = sqlite
    ? createSqliteSnapshotProvider(path(spec.sqlite), { nativeBinding: electronNativeBinding() })
    : createPostgresSnapshotProvider({ url: spec.postgres, password: passwordOf(spec) });
  return {
    provider,
    path: join(dir, `${stamp}-${name}.${sqlite ? 'sqlite' : 'dump'}`),
    location: sqlite ? path(spec.sqlite) : spec.postgres,
    freeBytes: () => freeBytes(dir),
  };
}

/** Free space of the folder, or of its nearest existing parent when it is not made yet. */
async function freeBytes(dir: string): Promise<number> {
  for (let d = dir; ; d = dirname(d)) {
    const fs = await statfs(d).catch(() => undefined);
    if (fs) return fs.bavail * fs.bsize;
    if (dirname(d) === d) return 0;
  }
}
