// The Audit view's list of runs and the Runbooks view's problems: runs filtered by operator,
// runbook, environment, status and full text, newest first, paged with a total; a runbook
// with a mistake shows it with its line; the list stays fast with many runs.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleService } from '../../src/app/console/console-service.js';
import { makeTempDir, removeDir } from '../support/temp-dir.js';
import { apiErrorOf, goAhead, judgedList, settingsFor, walk, writeWorkspace } from './console-support.js';

let root: string;
let dataDir: string;
let alice: ConsoleService;
let bob: ConsoleService;
const ids: Record<string, string> = {};

beforeAll(async () => {
  root = await makeTempDir('console-list');
  dataDir = join(root, 'data');
  const workspace = writeWorkspace(join(root, 'ws'));
  writeFileSync(join(workspace, 'broken.md'), '---\nid: broken\ntitle: Broken\nversion: 1.0.0\n---\n\n## Do it\n\n```sh {target=local wibble}\ntrue\n```\n');
  alice = new ConsoleService(settingsFor(dataDir, { workspace, operator: 'alice' }));
  bob = new ConsoleService(settingsFor(dataDir, { workspace, operator: 'bob' }));

  // Three runs, oldest first: alice's zebra (sandbox), bob's yak (vault), alice's aborted check.
  const run = async (service: ConsoleService, runbook: string, environment: string, inputs: Record<string, string>, abortOnFailure = false) => {
    const { runId } = await service.startRun({ runbook, environment, inputs });
    await walk(service, runId, (p) => (p.kind === 'failed' && abortOnFailure ? { action: 'abort' } : goAhead(p)));
    return runId;
  };
  ids.zebra = await run(alice, 'echo-word', 'sandbox', { word: 'zebra' });
  ids.yak = await run(bob, 'echo-word', 'vault', { word: 'yak' });
  ids.flaky = await run(alice, 'flaky-check', 'sandbox', {}, true);
});
afterAll(async () => {
  await alice.close();
  await bob.close();
  await removeDir(root);
});

const page = { offset: 0, limit: 200 };

describe('listRuns', () => {
  it('lists every run newest first with the total', async () => {
    const all = await alice.listRuns(page);
    expect(all.total).toBe(3);
    expect(all.runs.map((r) => r.id)).toEqual([ids.flaky, ids.yak, ids.zebra]);
    expect(all.runs[0]).toMatchObject({ runbookId: 'flaky-check', runbookVersion: '1.0.0', environment: 'sandbox', operator: 'alice', status: 'aborted' });
    expect(all.runs[0]?.finishedAt).not.toBeNull();
  });

  it('filters by operator, runbook, environment and status, alone or together', async () => {
    const idsOf = async (filters: Parameters<ConsoleService['listRuns']>[0]) => {
      const result = await alice.listRuns(filters);
      expect(result.total).toBe(result.runs.length);
      return result.runs.map((r) => r.id);
    };
    expect(await idsOf({ ...page, operator: 'alice' })).toEqual([ids.flaky, ids.zebra]);
    expect(await idsOf({ ...page, runbook: 'echo-word' })).toEqual([ids.yak, ids.zebra]);
    expect(await idsOf({ ...page, environment: 'vault' })).toEqual([ids.yak]);
    expect(await idsOf({ ...page, status: 'aborted' })).toEqual([ids.flaky]);
    expect(await idsOf({ ...page, operator: 'alice', runbook: 'echo-word', status: 'succeeded' })).toEqual([ids.zebra]);
    expect(await idsOf({ ...page, operator: 'carol' })).toEqual([]);
  });

  it('finds runs by words in their output or their events', async () => {
    expect((await alice.listRuns({ ...page, text: 'zebra' })).runs.map((r) => r.id)).toEqual([ids.zebra]);
    // "97%" is only in flaky-check's stderr; "vault" in the yak run's start event.
    expect((await alice.listRuns({ ...page, text: 'disk' })).runs.map((r) => r.id)).toEqual([ids.flaky]);
    expect((await alice.listRuns({ ...page, text: 'vault' })).runs.map((r) => r.id)).toEqual([ids.yak]);
    expect((await alice.listRuns({ ...page, text: 'zebra', operator: 'bob' })).total).toBe(0);
    const nothing = await apiErrorOf(alice.listRuns({ ...page, text: '!!' }));
    expect(nothing).toEqual({ code: 'refused', message: "there is nothing to search for in '!!': give at least one word with a letter or digit; nothing was searched" });
  });

  it('pages with offset and limit, the total counting every match', async () => {
    const second = await alice.listRuns({ offset: 1, limit: 1 });
    expect(second).toEqual({ total: 3, runs: [expect.objectContaining({ id: ids.yak })] });
    expect((await alice.listRuns({ offset: 3, limit: 10 })).runs).toEqual([]);
  });

  it('answers from indexes with 100,000 runs in the store', async () => {
    const many = join(root, 'data-many');
    const service = new ConsoleService(settingsFor(many, { workspace: join(root, 'ws') }));
    try {
      const db = new Database(join(many, 'handrail.db'));
      try {
        db.transaction(() => {
          const insert = db.prepare(
            `INSERT INTO runs (id, runbook_id, runbook_version, runbook_sha256, runbook_path, runbook_source, environment, operator, status, inputs_json, started_at, finished_at)
             VALUES (?, ?, '1.0.0', ?, 'x.md', x'00', ?, ?, ?, '{}', ?, ?)`,
          );
          const start = Date.UTC(2025, 0, 1);
          for (let i = 0; i < 100_000; i++) {
            const at = new Date(start + i * 60_000).toISOString();
            insert.run(`r-${String(i).padStart(6, '0')}`, i % 10 === 0 ? 'rare-book' : 'common-book', 'a'.repeat(64), i % 2 ? 'pilot' : 'local-demo', `op${i % 7}`, i % 3 ? 'succeeded' : 'failed', at, at);
          }
        })();
        // Every filter the Audit view offers is served by an index, never a scan of runs.
        const plan = (where: string) =>
          (db.prepare(`EXPLAIN QUERY PLAN SELECT id FROM runs r ${where} ORDER BY r.started_at DESC, r.rowid DESC LIMIT 200`).all() as { detail: string }[]).map((r) => r.detail).join('; ');
        expect(plan('')).toMatch(/USING INDEX runs_by_start/);
        expect(plan("WHERE r.operator = 'op3'")).toMatch(/USING INDEX runs_by_operator/);
        expect(plan("WHERE r.runbook_id = 'rare-book'")).toMatch(/USING INDEX runs_by_runbook/);
        expect(plan("WHERE r.environment = 'pilot'")).toMatch(/USING INDEX runs_by_environment/);
        expect(plan("WHERE r.status = 'failed'")).toMatch(/USING INDEX runs_by_status/);
      } finally {
        db.close();
      }
      const newest = await service.listRuns({ offset: 0, limit: 50, runbook: 'rare-book' });
      expect(newest.total).toBe(10_000);
      expect(newest.runs[0]?.id).toBe('r-099990');
      const deep = await service.listRuns({ offset: 99_990, limit: 50 });
      expect(deep.runs.map((r) => r.id).at(-1)).toBe('r-000000');
      const last = (await service.listRunbooks({})).runbooks.find((r) => r.id === 'close-ledger');
      expect(last?.lastRun).toBeNull();
    } finally {
      await service.close();
    }
  });
});

describe('listRunbooks', () => {
  it('shows a runbook’s problems with their lines, and the last run of each runbook', async () => {
    const { runbooks, inventoryProblems } = await judgedList(alice);
    expect(inventoryProblems).toEqual([]);
    const broken = runbooks.find((r) => r.id === 'broken');
    expect(broken?.problems).toBe(1);
    expect(broken?.problemList).toEqual([expect.objectContaining({ path: 'broken.md', line: 9, severity: 'error', message: expect.stringContaining('wibble') })]);
    expect(runbooks.find((r) => r.id === 'echo-word')?.lastRun).toMatchObject({ id: ids.yak, environment: 'vault', status: 'succeeded' });
    expect(runbooks.find((r) => r.id === 'close-ledger')).toMatchObject({ lastRun: null, problemList: [] });

    const refused = await apiErrorOf(alice.startRun({ runbook: 'broken', environment: 'sandbox', inputs: {} }));
    expect(refused.code).toBe('refused');
    expect(refused.message).toMatch(/^the runbook has 1 problem, the first: broken\.md:9:\d+: .*wibble/);
  });
});
