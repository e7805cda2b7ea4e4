// An SSH step left running on its host by a run cut off from it: a workspace whose target
// reaches a test sshd through a proxy that can be frozen (test/support/tcp-proxy.ts), a run
// started with the CLI and waited for until its step runs on the host, and /proc read here
// to see the "remote" processes (the host is this machine), independently of Handrail.
import { type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { handrailChild, runIdOf, type CliOptions } from './handrail-cli.js';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { startSshd, type SshdHandle } from './sshd.js';
import { makeTempDir, removeDir } from './temp-dir.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';
import { until } from './until.js';

export interface CutOffCase {
  cli: CliOptions & { workspace: string };
  proxy: TcpProxy;
  log: string;
  /** How long the step sleeps, read by the step from this file (300 s when absent). */
  loops: string;
  /** The step's log: `start PID` when it starts, `end PID` when it ends. */
  lines(): string[];
}

/** A workspace under `dir` whose target `app` reaches sshd through a fresh proxy, with the runbook `migrate`. */
export async function cutOffCase(sshd: SshdHandle, dir: string): Promise<CutOffCase> {
  const proxy = await startTcpProxy(sshd.port);
  const workspace = join(dir, 'ws');
  const log = join(dir, 'log');
  const loops = join(dir, 'seconds');
  mkdirSync(workspace, { recursive: true });
  const target = `{ ssh: ${sshd.user}@127.0.0.1, port: ${proxy.port}, identity: ${JSON.stringify(sshd.userKeyPath)}, known-hosts: ${JSON.stringify(join(dir, 'known_hosts'))} }`;
  writeFileSync(join(workspace, 'handrail.yml'), `environments:\n  dev:\n    targets:\n      app: ${target}\n`);
  // How long the step sleeps comes from a file: the second attempt is told to end at once.
  writeFileSync(
    join(workspace, 'migrate.md'),
    `---\nid: migrate\ntitle: A long migration on the host\nversion: 1.0.0\n---\n\n## Migrate\n\n\`\`\`sh {target=app}\necho "start $$" >> ${log}\necho started\nsleep "$(cat ${loops} 2>/dev/null || echo 300)"\necho "end $$" >> ${log}\n\`\`\`\n`,
  );
  const cli = { dataDir: join(dir, 'data'), workspace, env: { HOME: join(dir, 'home') } };
  const lines = (): string[] => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').filter(Boolean) : []);
  return { cli, proxy, log, loops, lines };
}

/** Starts the run and waits until its step runs on the host; returns the run id and the remote shell's process group. */
export async function startOnHost(sshd: SshdHandle, c: CutOffCase): Promise<{ child: ChildProcess; id: string; pgid: number; exited: Promise<unknown> }> {
  const child = handrailChild(['run', 'migrate', '--env', 'dev', '--accept-host-key', sshd.hostKeyFingerprintSha256], c.cli);
  let stdout = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  const exited = new Promise((r) => child.once('exit', r));
  await until('the step runs on the host', () => c.lines().length >= 1 && /^started$/m.test(stdout));
  const pid = Number(c.lines()[0]?.split(' ')[1]);
  const pgid = statOf(pid)?.pgrp;
  if (pgid === undefined) throw new Error(`the remote step (pid ${pid}) is not in /proc`);
  return { child, id: runIdOf(stdout), pgid, exited };
}

/**
 * Starts the run, then cuts it off the way a broken route does: the proxy stops forwarding
 * but keeps both sockets open, and the CLI is killed (-9), so the step goes on on the host.
 */
export async function leaveRunningOnHost(sshd: SshdHandle, c: CutOffCase): Promise<{ id: string; pgid: number }> {
  const { child, id, pgid, exited } = await startOnHost(sshd, c);
  c.proxy.freeze();
  child.kill('SIGKILL');
  await exited;
  return { id, pgid };
}

function statOf(pid: number): { state: string; pgrp: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '', pgrp: Number(fields[2]) };
  } catch {
    return undefined;
  }
}

/** Whether a live (non-zombie) process is left in process group `pgid`, as /proc shows it. */
export function groupAlive(pgid: number): boolean {
  return readdirSync('/proc').some((entry) => {
    if (!/^\d+$/.test(entry)) return false;
    const stat = statOf(Number(entry));
    return stat !== undefined && stat.pgrp === pgid && stat.state !== 'Z';
  });
}

/** Kills what a test left running on the "host" (process groups), ignoring those already gone. */
export function killGroups(groups: number[]): void {
  for (const pgid of groups.splice(0)) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

export interface CutOffSuite {
  root: string;
  sshd: SshdHandle;
  /** Closed after each test. */
  proxies: TcpProxy[];
  /** Process groups killed after each test. */
  groups: number[];
}

/**
 * A test file's sshd, with its own keepalive off (as on many hosts, so a cut connection stays
 * open for it), a temporary root, and what each test leaves to clean up.
 */
export function cutOffSuite(name: string): CutOffSuite {
  const suite = { root: '', proxies: [], groups: [] } as unknown as CutOffSuite;
  beforeAll(async () => {
    suite.root = await makeTempDir(name);
    suite.sshd = await startSshd({ clientAliveIntervalSec: 0 });
  }, 60_000);
  afterEach(async () => {
    for (const proxy of suite.proxies.splice(0)) await proxy.close();
    killGroups(suite.groups);
  });
  afterAll(async () => {
    await suite.sshd?.stop();
    if (suite.root) await removeDir(suite.root);
  });
  return suite;
}
