// An SSH step cut off by the network, not by a clean close: Handrail is killed (-9) after the
// connection went silent (a proxy between Handrail and sshd stops forwarding but keeps both
// sockets open, as a broken route does), so sshd never sees the channel close, the remote
// watchdog never fires, and the step's command goes on running on the host. A resume must
// find it there and refuse, or stop it first with --stop-leftover, and never run the step a
// second time beside it. sshd's own keepalive is off, as on many hosts, so nothing else ends it.
// Real OpenSSH sshd on loopback: the "remote" host is this machine, so /proc here shows the
// remote processes independently of Handrail. The proxy lives in this process, so every CLI
// that goes through it is run without blocking (handrailAsync).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { handrail, handrailAsync, showRun } from '../support/handrail-cli.js';
import { cutOffCase, cutOffSuite, groupAlive, startOnHost as startRun, type CutOffCase } from '../support/ssh-cut-off.js';
import { startTcpProxy } from '../support/tcp-proxy.js';
import { until } from '../support/until.js';

const suite = cutOffSuite('ssh-cut-off');

/** A workspace whose target `app` reaches sshd through a fresh proxy (test/support/ssh-cut-off.ts). */
async function setUp(name: string): Promise<CutOffCase> {
  const c = await cutOffCase(suite.sshd, join(suite.root, name));
  suite.proxies.push(c.proxy);
  return c;
}

async function startOnHost(c: CutOffCase): ReturnType<typeof startRun> {
  const started = await startRun(suite.sshd, c);
  suite.groups.push(started.pgid);
  return started;
}

describe('an SSH step cut off by the network when Handrail is killed', () => {
  it('resume refuses while the command still runs on the host; --stop-leftover stops it there and runs the step once', async () => {
    const c = await setUp('cut');
    const { child, id, pgid, exited } = await startOnHost(c);
    c.proxy.freeze();
    child.kill('SIGKILL');
    await exited;
    expect(groupAlive(pgid), 'the remote command should outlive the silent connection').toBe(true);
    expect(showRun(id, c.cli).steps.map((s) => s.status)).toEqual(['in-doubt']);

    // A second attempt would end at once: before the fix it runs beside the first and succeeds.
    writeFileSync(c.loops, '0');
    const refused = await handrailAsync(['resume', id, '--retry-in-doubt'], c.cli);
    expect(refused.code, refused.stdout + refused.stderr).toBe(2);
    expect(refused.stderr).toMatch(
      new RegExp(`step 1's command on ${suite.sshd.user}@127\\.0\\.0\\.1:${c.proxy.port} \\(remote process group ${pgid}, started \\d\\d:\\d\\d:\\d\\d\\) is still running from the run that died`),
    );
    expect(refused.stderr).toContain('--stop-leftover');
    expect(refused.stderr).toContain('nothing was executed');
    expect(groupAlive(pgid)).toBe(true);
    expect(c.lines()).toHaveLength(1);
    expect(showRun(id, c.cli).steps.map((s) => [s.status, s.attempt])).toEqual([['in-doubt', 1]]);

    const resumed = await handrailAsync(['resume', id, '--retry-in-doubt', '--stop-leftover'], c.cli);
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(`stopped step 1's command on ${suite.sshd.user}@127.0.0.1:${c.proxy.port} (remote process group ${pgid}`);
    expect(groupAlive(pgid)).toBe(false);
    const [first, second, end, ...rest] = c.lines();
    expect(first).toMatch(/^start \d+$/);
    expect(second).toMatch(/^start \d+$/);
    expect(second).not.toBe(first);
    expect(end).toBe(`end ${second?.split(' ')[1]}`);
    expect(rest).toEqual([]);
    expect(showRun(id, c.cli).steps.map((s) => [s.status, s.attempt])).toEqual([['succeeded', 2]]);
    const audit = handrail(['audit', 'search', String(pgid), '--run', id, '--kind', 'step.process.stopped', '--json'], c.cli);
    expect(JSON.parse(audit.stdout), audit.stderr).toHaveLength(1);
  }, 120_000);

  it('resume refuses when the host cannot be reached to check, and says how to check by hand', async () => {
    const c = await setUp('unreachable');
    const { child, id, pgid, exited } = await startOnHost(c);
    c.proxy.freeze();
    child.kill('SIGKILL');
    await exited;
    await c.proxy.stopListening();

    writeFileSync(c.loops, '0');
    const refused = await handrailAsync(['resume', id, '--retry-in-doubt', '--stop-leftover'], c.cli);
    expect(refused.code, refused.stdout + refused.stderr).not.toBe(0);
    expect(refused.stderr).toContain(`step 1's command on ${suite.sshd.user}@127.0.0.1:${c.proxy.port} (remote process group ${pgid}`);
    expect(refused.stderr).toContain('could not be checked');
    expect(refused.stderr).toContain(`ps -eo pid,pgid,lstart,args and look for process group ${pgid}`);
    expect(refused.stderr).toContain('nothing was executed');
    expect(groupAlive(pgid)).toBe(true);
    expect(c.lines()).toHaveLength(1);
  }, 120_000);

  it('resume refuses when the step\'s host cannot be checked any more; break-glass goes on, recorded as a deviation', async () => {
    const c = await setUp('moved');
    const { child, id, pgid, exited } = await startOnHost(c);
    c.proxy.freeze();
    child.kill('SIGKILL');
    await exited;
    // The inventory now reaches the target by another address: the recorded login cannot be checked through it.
    const moved = await startTcpProxy(suite.sshd.port);
    suite.proxies.push(moved);
    const inventory = join(c.cli.workspace ?? '', 'handrail.yml');
    writeFileSync(inventory, readFileSync(inventory, 'utf8').replace(`port: ${c.proxy.port}`, `port: ${moved.port}`));
    writeFileSync(c.loops, '0');
    const accept = ['--accept-host-key', suite.sshd.hostKeyFingerprintSha256];

    const refused = await handrailAsync(['resume', id, '--retry-in-doubt', '--stop-leftover', ...accept], c.cli);
    expect(refused.code, refused.stdout + refused.stderr).toBe(2);
    expect(refused.stderr).toContain(`step 1's command on ${suite.sshd.user}@127.0.0.1:${c.proxy.port} (remote process group ${pgid}`);
    expect(refused.stderr).toContain(`could not be checked: this run has no connection to ${suite.sshd.user}@127.0.0.1:${c.proxy.port} now`);
    expect(refused.stderr).toContain(`handrail resume ${id} --break-glass`);
    expect(refused.stderr).toContain('nothing was executed');
    expect(c.lines()).toHaveLength(1);

    const reason = 'INC-7: old address checked by hand, nothing left there';
    const resumed = await handrailAsync(['resume', id, '--retry-in-doubt', ...accept, '--break-glass', reason], c.cli);
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
    const deviations = handrail(['audit', 'search', 'INC-7', '--run', id, '--kind', 'run.deviation', '--json'], c.cli);
    const found = JSON.parse(deviations.stdout) as { kind: string; stepIdx: number; snippet: string }[];
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ kind: 'run.deviation', stepIdx: 0 });
    expect(found[0]?.snippet).toContain('waived: leftover-unchecked');
    const shown = handrail(['show', id], c.cli);
    expect(shown.stdout).toContain("went on without knowing whether a cut-off step's command had ended on its host");
    expect(shown.stdout).toContain(`remote process group ${pgid}`);
  }, 120_000);

  it('a connection that closed cleanly lets the watchdog end the command, and resume goes on as before', async () => {
    const c = await setUp('plain');
    const { child, id, pgid, exited } = await startOnHost(c);
    child.kill('SIGKILL');
    await exited;
    await until(`the watchdog ends the remote group ${pgid}`, () => !groupAlive(pgid));

    writeFileSync(c.loops, '0');
    const resumed = await handrailAsync(['resume', id, '--retry-in-doubt'], c.cli);
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
    expect(resumed.stderr).not.toContain('still running');
    const [first, second, end, ...rest] = c.lines();
    expect(first).toMatch(/^start \d+$/);
    expect(second).toMatch(/^start \d+$/);
    expect(end).toBe(`end ${second?.split(' ')[1]}`);
    expect(rest).toEqual([]);
    expect(showRun(id, c.cli).steps.map((s) => [s.status, s.attempt])).toEqual([['succeeded', 2]]);
  }, 120_000);
});
