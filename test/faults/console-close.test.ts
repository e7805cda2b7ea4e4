// Closing a console (Ctrl-C on `handrail serve`, the desktop window) while a step runs stops
// the step's command, but it is not the operator's abort: the run is left interrupted with
// the step in doubt, resumable. `handrail abort` then releases such a run, with a reason.
import Database from 'better-sqlite3';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ConsoleService } from '../../src/app/console/console-service.js';
import { handrail, showRun, type CliOptions } from '../support/handrail-cli.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';
import { nextPrompt, settingsFor, untilRun } from '../integration/console-support.js';

let root: string;
let workspace: string;
let log: string;

beforeAll(async () => {
  root = await makeTempDir('console-close');
  workspace = join(root, 'ws');
  log = join(root, 'log');
  mkdirSync(workspace);
  writeFileSync(
    join(workspace, 'handrail.yml'),
    `environments:\n  dev:\n    targets:\n      books: { sqlite: ${JSON.stringify(join(root, 'books.db'))} }\n`,
  );
  const db = new Database(join(root, 'books.db'));
  db.exec('CREATE TABLE entries (id INTEGER PRIMARY KEY, note TEXT)');
  db.close();
  writeFileSync(
    join(workspace, 'slow.md'),
    `---\nid: slow\ntitle: Slow work, then a change\nversion: 1.0.0\n---\n\n## Slow work\n\n` +
      `\`\`\`sh {target=local}\necho slow-start >> ${log}\necho started\nsleep 30\necho slow-end >> ${log}\n\`\`\`\n\n` +
      `## Write an entry\n\n\`\`\`sql {target=books mutates}\nINSERT INTO entries (note) VALUES ('written');\n\`\`\`\n`,
  );
});
afterAll(() => removeDir(root));

const auditKinds = (dataDir: string, runId: string): string[] => {
  const db = new Database(join(dataDir, 'handrail.db'), { readonly: true });
  try {
    return (db.prepare('SELECT kind FROM audit_events WHERE run_id = ? ORDER BY seq').all(runId) as { kind: string }[]).map((r) => r.kind);
  } finally {
    db.close();
  }
};

it('leaves the run interrupted with its step in doubt, blaming nobody; abort then releases it with a reason', async () => {
  const dataDir = join(root, 'data');
  const cli: CliOptions = { dataDir, workspace };
  const service = new ConsoleService(settingsFor(dataDir, { workspace }));
  const { runId } = await service.startRun({ runbook: 'slow', environment: 'dev', inputs: {} });
  const asked = await nextPrompt(service, runId);
  expect(asked.prompt).toEqual({ kind: 'before-step', idx: 0 });
  await service.decide({ runId, idx: 0, decision: { action: 'run' } });
  await untilRun(service, runId, (d) => d.steps[0]?.status === 'running');
  // The step has started writing before the console goes away.
  while (!(existsSync(log) && readFileSync(log, 'utf8').includes('slow-start'))) await new Promise((r) => setTimeout(r, 20));

  await service.close();

  const shown = showRun(runId, cli);
  expect(shown.run.status).toBe('interrupted');
  expect(shown.steps[0]).toMatchObject({ status: 'in-doubt' });
  expect(shown.steps[0]?.reason).toMatch(/the console was closed while the step ran; the command was stopped, and what it did before that is unknown/);
  const kinds = auditKinds(dataDir, runId);
  expect(kinds).toContain('run.interrupted');
  expect(kinds).not.toContain('run.aborted');
  // The command was stopped, not left running.
  expect(readFileSync(log, 'utf8')).toBe('slow-start\n');

  // A plain resume does not run the in-doubt step again.
  const resumed = handrail(['resume', runId], cli);
  expect(resumed.code).toBe(2);
  expect(readFileSync(log, 'utf8')).toBe('slow-start\n');

  // The interrupted run still holds the database: another run of the mutating runbook is refused.
  const blocked = handrail(['run', 'slow', '--env', 'dev', '--yes'], cli);
  expect(blocked.code).toBe(2);
  expect(blocked.stderr).toMatch(new RegExp(`is being changed by run ${runId}`));

  const noReason = handrail(['abort', runId, '--reason', '  '], cli);
  expect(noReason.code).toBe(2);
  expect(noReason.stderr).toMatch(/give a reason for aborting the run/);

  const aborted = handrail(['abort', runId, '--reason', 'the release was called off'], cli);
  expect(aborted.code).toBe(0);
  expect(aborted.stdout).toMatch(new RegExp(`Run ${runId} aborted: the release was called off`));
  expect(showRun(runId, cli).run.status).toBe('aborted');
  expect(auditKinds(dataDir, runId).at(-1)).toBe('run.aborted');

  const again = handrail(['abort', runId, '--reason', 'twice'], cli);
  expect(again.code).toBe(2);
  expect(again.stderr).toMatch(/is aborted; only an interrupted run can be aborted here; nothing was changed/);
});
