// Every demo runbook runs end to end in local-demo, the way a newcomer would try them:
// `handrail run ID --env local-demo --yes`, a fresh data directory, real shells and a real
// SQLite database created from the demo seed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { handrail, runIdOf, showRun } from '../support/handrail-cli.js';

const dataDir = mkdtempSync(join(tmpdir(), 'handrail-demo-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
const cli = { dataDir };

// Order matters as on a real system: deploy before checking migrations against `current`.
const DEMO_RUNBOOKS = ['deploy-release', 'check-migrations', 'reset-pilot', 'replay-dead-letters', 'disk-full-triage', 'incident-triage'];

describe('the demo workspace in local-demo', () => {
  it.each(DEMO_RUNBOOKS)('%s runs end to end with --yes', (id) => {
    const result = handrail(['run', id, '--env', 'local-demo', '--yes'], cli);
    expect(result.stderr + result.stdout).toContain('succeeded.');
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const shown = showRun(runIdOf(result.stdout), cli);
    expect(shown.run.status).toBe('succeeded');
    for (const step of shown.steps) expect(step.status, `${id} step ${step.idx + 1}`).toBe('succeeded');
  });

  it('shows each step with its target before it runs', () => {
    const result = handrail(['run', 'reset-pilot', '--env', 'local-demo', '--yes'], cli);
    // Header, then the step's prose for a terminal (indented), then the exact command.
    expect(result.stdout).toMatch(/\n── 1\/5 Check that this is a pilot host — sh on app \(this machine\)\n {3}This prints the host name[^$]*\n\$ set -eu\n/);
    expect(result.stdout).toContain(`\n── 3/5 Delete the pilot's events — sql on events (sqlite ${join(dataDir, 'demo', 'events.db')})\n`);
    expect(result.stdout).toContain('\n── 5/5 Tell the mobile team — manual\n');
  });

  it('reset-pilot deleted exactly the pilot’s rows, after a verified snapshot', () => {
    const db = new Database(join(dataDir, 'demo', 'events.db'), { readonly: true });
    try {
      expect(db.prepare("SELECT count(*) AS n FROM events WHERE pilot = 'pilot-7'").get()).toEqual({ n: 0 });
      expect((db.prepare("SELECT count(*) AS n FROM events WHERE pilot = 'pilot-9'").get() as { n: number }).n).toBeGreaterThan(0);
    } finally {
      db.close();
    }
    const runs = JSON.parse(handrail(['runs', '--json'], cli).stdout) as { id: string; runbookId: string }[];
    const reset = runs.find((r) => r.runbookId === 'reset-pilot');
    const events = new Database(join(dataDir, 'handrail.db'), { readonly: true });
    try {
      const kinds = events
        .prepare('SELECT kind FROM events WHERE run_id = ? ORDER BY seq')
        .pluck()
        .all(reset?.id) as string[];
      // The snapshot is verified before the step that deletes starts running.
      const verified = kinds.indexOf('snapshot.verified');
      expect(verified).toBeGreaterThan(-1);
      expect(kinds.indexOf('step.running', verified)).toBeGreaterThan(verified);
    } finally {
      events.close();
    }
  });

  it('lists the runs, newest first', () => {
    const runs = JSON.parse(handrail(['runs', '--json'], cli).stdout) as { runbookId: string; status: string }[];
    expect(runs.map((r) => r.runbookId)).toEqual([...DEMO_RUNBOOKS, 'reset-pilot'].reverse());
    expect(new Set(runs.map((r) => r.status))).toEqual(new Set(['succeeded']));
  });
});
