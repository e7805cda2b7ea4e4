// A console resuming a run whose SSH step was cut off by the network and still runs on its
// host: the refusal carries what still runs (host, remote process group, since when, the
// step and its command) so the page can show it before offering to stop it; once the
// operator chooses to stop it, the run's page says what was stopped, as the CLI does.
// Real sshd on loopback behind a frozen proxy (test/support/ssh-cut-off.ts).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConsoleService } from '../../src/app/console/console-service.js';
import { apiErrorOf, goAhead, nextPrompt, settingsFor, walk } from '../integration/console-support.js';
import { cutOffCase, cutOffSuite, groupAlive, leaveRunningOnHost } from '../support/ssh-cut-off.js';

const suite = cutOffSuite('console-ssh-leftover');

describe('a console resuming a run whose SSH step still runs on its host', () => {
  it('shows what still runs with the refusal, and says what it stopped when asked to stop it', async () => {
    const c = await cutOffCase(suite.sshd, join(suite.root, 'cut'));
    suite.proxies.push(c.proxy);
    const { id: runId, pgid } = await leaveRunningOnHost(suite.sshd, c);
    suite.groups.push(pgid);
    expect(groupAlive(pgid), 'the remote command should outlive the silent connection').toBe(true);
    writeFileSync(c.loops, '0');
    const login = `${suite.sshd.user}@127.0.0.1:${c.proxy.port}`;

    const service = new ConsoleService(settingsFor(c.cli.dataDir, { workspace: c.cli.workspace }));
    try {
      const refused = await apiErrorOf(service.resumeRun({ runId, inputs: {} }));
      expect(refused.code).toBe('refused');
      expect(refused.message).toContain(`step 1's command on ${login} (remote process group ${pgid}`);
      expect(refused.message).toContain('nothing was executed');
      // What the page shows before it offers "Stop it and resume": where, which group, since when, which step, what command.
      expect(refused.leftovers).toEqual([
        {
          idx: 0,
          host: login,
          remote: true,
          pid: pgid,
          startedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as unknown as string,
          command: expect.stringContaining('sleep "$(cat') as unknown as string,
          description: expect.stringMatching(new RegExp(`^step 1's command on ${login.replaceAll('.', '\\.')} \\(remote process group ${pgid}, started \\d\\d:\\d\\d:\\d\\d\\)$`)) as unknown as string,
        },
      ]);
      expect(groupAlive(pgid)).toBe(true);
      expect(c.lines()).toHaveLength(1);

      await service.resumeRun({ runId, inputs: {}, stopLeftovers: true });
      const asked = await nextPrompt(service, runId);
      expect(asked.prompt).toEqual({ kind: 'in-doubt', idx: 0 });
      expect(groupAlive(pgid)).toBe(false);
      const stopped = `stopped step 1's command on ${login} (remote process group ${pgid}`;
      expect(asked.notices).toEqual([expect.stringContaining(stopped)]);
      expect(asked.notices[0]).toContain('SIGTERM to its group over SSH');

      await service.decide({ runId, idx: 0, decision: { action: 'retry' } });
      const { detail } = await walk(service, runId, goAhead);
      expect(detail.run.status).toBe('succeeded');
      // The line stays on the run's page once the run has ended.
      expect(detail.notices).toEqual([expect.stringContaining(stopped)]);
      const [first, second, end, ...rest] = c.lines();
      expect(second).not.toBe(first);
      expect(end).toBe(`end ${second?.split(' ')[1]}`);
      expect(rest).toEqual([]);
    } finally {
      await service.close();
    }
  }, 120_000);
});
