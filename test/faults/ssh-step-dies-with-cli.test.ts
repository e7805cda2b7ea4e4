// kill -9 of the CLI in the middle of an SSH step: the TCP connection closes with the process,
// sshd closes the session, and the remote watchdog kills the step's process group, so a later
// `resume --retry-in-doubt` never runs a second copy beside the first. Against a real sshd on
// loopback (the "remote" host is this machine, so ps and the step's file are visible here).
import { spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handrail, handrailChild, showRun, type CliOptions } from '../support/handrail-cli.js';
import { startSshd, type SshdHandle } from '../support/sshd.js';
import { sshTargetSpec } from '../support/ssh-target.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';
import { until } from '../support/until.js';

let root: string;
let sshd: SshdHandle;
let written: string;
let loops: string;
let cli: CliOptions;

beforeAll(async () => {
  root = await makeTempDir('ssh-kill');
  sshd = await startSshd();
  const workspace = join(root, 'ws');
  written = join(root, 'written');
  loops = join(root, 'loops');
  mkdirSync(workspace);
  writeFileSync(
    join(workspace, 'handrail.yml'),
    `environments:
  dev:
    targets:
      app: ${sshTargetSpec(sshd, join(root, 'known_hosts'))}
`,
  );
  // How many lines the step writes comes from a file: the retry is told to stop early.
  writeFileSync(
    join(workspace, 'remote-writer.md'),
    `---
id: remote-writer
title: Writes on the host for a while
version: 1.0.0
---

## Write on the host

\`\`\`sh {target=app}
n=$(cat ${loops} 2>/dev/null || echo 600)
i=0
while [ "$i" -lt "$n" ]; do echo "$$ $i" >> ${written}; i=$((i+1)); sleep 0.05; done
\`\`\`
`,
  );
  cli = { dataDir: join(root, 'data'), workspace, env: { HOME: join(root, 'home') } };
}, 60_000);

afterAll(async () => {
  await sshd?.stop();
  if (root) await removeDir(root);
});

const lines = (): string[] => (existsSync(written) ? readFileSync(written, 'utf8').trim().split('\n').filter(Boolean) : []);

/** As ps shows it: whether `pid` is a live process (a zombie is not). */
function running(pid: number): boolean {
  const ps = spawnSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' });
  return ps.status === 0 && !ps.stdout.trim().startsWith('Z');
}

describe('an SSH step when the CLI is killed', () => {
  it('ends on the host with the connection, and a resume never runs beside it', async () => {
    const child: ChildProcess = handrailChild(['run', 'remote-writer', '--env', 'dev', '--accept-host-key', sshd.hostKeyFingerprintSha256], cli);
    let stdout = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise((r) => child.once('exit', r));
    await until('the remote step writes', () => lines().length >= 3);
    const remotePid = Number(lines()[0]?.split(' ')[0]);
    expect(running(remotePid)).toBe(true);

    child.kill('SIGKILL');
    await exited;
    await until(`ps no longer shows the remote step (pid ${remotePid})`, () => !running(remotePid));
    const id = /Run (\S+):/.exec(stdout)?.[1];
    if (!id) throw new Error(`no run id printed: ${stdout}`);
    expect(showRun(id, cli).steps.map((s) => s.status)).toEqual(['in-doubt']);

    writeFileSync(loops, '3');
    const resumed = handrail(['resume', id, '--retry-in-doubt'], cli);
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
    const order = lines().map((l) => Number(l.split(' ')[0]));
    const writers = order.filter((pid, i) => i === 0 || order[i - 1] !== pid);
    expect(writers, 'the first copy wrote again after the second started').toHaveLength(2);
    expect(writers[0]).toBe(remotePid);
    expect(order.filter((pid) => pid === writers[1])).toHaveLength(3);
  });
});
