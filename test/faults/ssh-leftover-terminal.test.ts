// `handrail resume` at a terminal, for a run whose SSH step was cut off by the network and
// still runs on its host: it shows what still runs (host, remote process group, since when,
// the step and its command), then asks, as it does for a step left running on this machine;
// "n" refuses and leaves it running, "y" stops it over SSH and goes on. script(1) gives the
// CLI a real pseudo-terminal; real sshd behind a frozen proxy (test/support/ssh-cut-off.ts).
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, handrailAsync, showRun, type CliOptions } from '../support/handrail-cli.js';
import { cutOffCase, cutOffSuite, groupAlive, leaveRunningOnHost } from '../support/ssh-cut-off.js';

const suite = cutOffSuite('ssh-leftover-terminal');

const QUESTION = /Stop it now \(SIGTERM[^)]*, then SIGKILL after 5 s\) and go on\? \[y\/N\] /;

/** Runs `handrail ARGS` in a pty; answers the first question matching `question` with `answer`. Resolves with the screen, what was on it when asked, and the exit code. */
function inTerminal(args: string[], cli: CliOptions, question: RegExp, answer: string): Promise<{ screen: string; before: string | undefined; code: number | null }> {
  const command = [process.execPath, BIN, ...args].map((a) => `'${a.replaceAll("'", `'\\''`)}'`).join(' ');
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    env: { ...process.env, HANDRAIL_DATA_DIR: cli.dataDir, HANDRAIL_WORKSPACE: cli.workspace, HANDRAIL_OPERATOR: 'tester', TERM: 'xterm', NO_COLOR: '', ...cli.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let screen = '';
  let before: string | undefined;
  child.stdout.on('data', (d: Buffer) => {
    screen += d.toString();
    if (before !== undefined) return;
    const match = question.exec(screen);
    if (!match) return;
    before = screen.slice(0, match.index);
    child.stdin.write(`${answer}\r`);
  });
  return new Promise((resolve) => child.once('close', (code) => resolve({ screen, before, code })));
}

describe('resume at a terminal, with an SSH step still running on its host', () => {
  it('shows it and asks; "n" refuses and leaves it running, "y" stops it over SSH and goes on', async () => {
    const c = await cutOffCase(suite.sshd, join(suite.root, 'ask'));
    suite.proxies.push(c.proxy);
    const { id, pgid } = await leaveRunningOnHost(suite.sshd, c);
    suite.groups.push(pgid);
    writeFileSync(c.loops, '0');
    const login = `${suite.sshd.user}@127.0.0.1:${c.proxy.port}`;
    const named = new RegExp(`step 1's command on ${login.replaceAll('.', '\\.')} \\(remote process group ${pgid}, started \\d\\d:\\d\\d:\\d\\d\\) is still running from the run that died`);

    const declined = await inTerminal(['resume', id, '--retry-in-doubt'], c.cli, QUESTION, 'n');
    expect(declined.before, declined.screen).toBeDefined();
    // Shown before the question: which step, where, which group, since when, and its command.
    expect(declined.before).toMatch(named);
    expect(declined.before).toContain('sleep "$(cat');
    expect(declined.code, declined.screen).toBe(2);
    expect(declined.screen).toContain('nothing was executed');
    expect(groupAlive(pgid)).toBe(true);
    expect(c.lines()).toHaveLength(1);
    expect(showRun(id, c.cli).steps.map((s) => [s.status, s.attempt])).toEqual([['in-doubt', 1]]);

    // Without a terminal and without --stop-leftover it still refuses, without asking.
    const piped = await handrailAsync(['resume', id, '--retry-in-doubt'], c.cli);
    expect(piped.code, piped.stdout + piped.stderr).toBe(2);
    expect(piped.stderr).toMatch(named);
    expect(piped.stderr).not.toMatch(QUESTION);
    expect(groupAlive(pgid)).toBe(true);

    const accepted = await inTerminal(['resume', id, '--retry-in-doubt'], c.cli, QUESTION, 'y');
    expect(accepted.before, accepted.screen).toMatch(named);
    expect(accepted.code, accepted.screen).toBe(0);
    expect(accepted.screen).toContain(`stopped step 1's command on ${login} (remote process group ${pgid}`);
    expect(groupAlive(pgid)).toBe(false);
    const [first, second, end, ...rest] = c.lines();
    expect(second).not.toBe(first);
    expect(end).toBe(`end ${second?.split(' ')[1]}`);
    expect(rest).toEqual([]);
    expect(showRun(id, c.cli).steps.map((s) => [s.status, s.attempt])).toEqual([['succeeded', 2]]);
  }, 120_000);
});
