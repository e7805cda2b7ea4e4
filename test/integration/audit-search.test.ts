// `audit search` and `audit review` through the CLI, over runs of real runbooks in a
// throwaway workspace with a real SQLite target.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handrail, runIdOf, showRun, type CliOptions } from '../support/handrail-cli.js';

const root = mkdtempSync(join(tmpdir(), 'handrail-search-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const workspace = join(root, 'ws');
const dbPath = join(root, 'app.db');
const cli: CliOptions = { dataDir: join(root, 'data'), workspace };
const as = (operator: string): CliOptions => ({ ...cli, env: { HANDRAIL_OPERATOR: operator } });

interface Hit {
  source: 'event' | 'output';
  seq: number | null;
  kind: string;
  operator: string | null;
  runId: string | null;
  stepIdx: number | null;
  snippet: string;
}

function search(args: string[], options = cli): Hit[] {
  const result = handrail(['audit', 'search', ...args, '--json'], options);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as Hit[];
}

let printer: string;
let failer: string;

beforeAll(() => {
  mkdirSync(workspace);
  const db = new Database(dbPath);
  db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO t (name) VALUES ('a');");
  db.close();
  writeFileSync(join(workspace, 'handrail.yml'), `environments:\n  dev:\n    targets:\n      db: { sqlite: ${JSON.stringify(dbPath)} }\n`);
  const runbook = (id: string, body: string) =>
    writeFileSync(join(workspace, `${id}.md`), `---\nid: ${id}\ntitle: ${id}\nversion: 1.0.0\nenvironments: [dev]\n---\n\n# ${id}\n\n${body}`);
  runbook('prints', '## Print\n\n```sh {target=local}\necho "the quokka-7 canary sang"\n```\n');
  runbook('fails', '## Fail\n\n```sh {target=local}\necho nothing to see; exit 3\n```\n');
  const first = handrail(['run', 'prints', '--env', 'dev'], as('ana'));
  expect(first.code, first.stderr).toBe(0);
  printer = runIdOf(first.stdout);
  const second = handrail(['run', 'fails', '--env', 'dev'], as('bob'));
  expect(second.code).not.toBe(0);
  failer = runIdOf(second.stdout);
});

describe('audit search', () => {
  it("finds a word a step printed, in that step's output", () => {
    const hits = search(['quokka']);
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ source: 'output', kind: 'output', runId: printer, stepIdx: 0, operator: 'ana', seq: null });
    expect(hits[0]?.snippet).toContain('«quokka»-7 canary');
    const human = handrail(['audit', 'search', 'canary'], cli);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain(`run ${printer}, step 1`);
    expect(human.stdout).toContain('«canary»');
  });

  it('finds a word in an event body, newest first, with its seq and kind', () => {
    // The failed step's event records "exit code 3"; run.failed records the reason too.
    const hits = search(['exited']);
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.every((h) => h.source === 'event' && h.runId === failer)).toBe(true);
    const seqs = hits.map((h) => h.seq ?? 0);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    expect(hits.map((h) => h.kind)).toContain('step.failed');
    expect(hits[0]?.snippet).toContain('«exited»');
  });

  it('honours --run, --kind and --operator', () => {
    // "dev" is in every run's events (run.started names the environment).
    expect(new Set(search(['dev']).map((h) => h.runId))).toEqual(new Set([printer, failer]));
    expect(new Set(search(['dev', '--run', printer]).map((h) => h.runId))).toEqual(new Set([printer]));
    // The shortest prefix that tells the two runs apart (they may start in the same second).
    const prefix = failer.slice(0, [...failer].findIndex((c, i) => printer[i] !== c) + 1);
    expect(new Set(search(['dev', '--run', prefix]).map((h) => h.runId))).toEqual(new Set([failer]));
    expect(search(['dev', '--kind', 'run.started']).map((h) => h.kind)).toEqual(['run.started', 'run.started']);
    expect(search(['dev', '--kind', 'run']).every((h) => h.kind.startsWith('run.'))).toBe(true);
    expect(search(['quokka', '--kind', 'step'])).toEqual([]);
    expect(search(['quokka', '--kind', 'output'])).toHaveLength(1);
    expect(new Set(search(['dev', '--operator', 'bob']).map((h) => h.operator))).toEqual(new Set(['bob']));
    expect(search(['quokka', '--operator', 'bob'])).toEqual([]);
    expect(search(['quokka', '--since', '2000-01-01', '--until', '2999-01-01'])).toHaveLength(1);
    expect(search(['quokka', '--until', '2000-01-01'])).toEqual([]);
  });

  it('says "no matches" (exit 0) for a word nobody wrote', () => {
    const result = handrail(['audit', 'search', 'wombat'], cli);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe("no matches for 'wombat'");
  });

  it('refuses a bad date or an unknown run with one line and exit 2', () => {
    const date = handrail(['audit', 'search', 'dev', '--since', 'yesterday'], cli);
    expect(date.code).toBe(2);
    expect(date.stderr.trim()).toBe("handrail: --since 'yesterday' is not a date; give one like 2024-05-01 or 2024-05-01T14:30:00Z (UTC); nothing was searched");
    const run = handrail(['audit', 'search', 'dev', '--run', 'nope'], cli);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('audit review', () => {
  it('records who reviewed the run and what they said, shown by show and found by search', () => {
    const result = handrail(['audit', 'review', printer, '--note', 'checked: the canary output is expected'], as('lead'));
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`review of run ${printer} recorded as audit event \\d+ \\(lead, `));

    const shown = showRun(printer, cli) as ReturnType<typeof showRun> & { reviews: { reviewer: string; note: string; at: string; seq: number }[] };
    expect(shown.reviews).toEqual([expect.objectContaining({ reviewer: 'lead', note: 'checked: the canary output is expected' })]);
    const human = handrail(['show', printer], cli).stdout;
    expect(human).toMatch(/\nReviews\n {3}\S+ lead \(audit event \d+\): checked: the canary output is expected\n$/);
    expect(showRun(failer, cli)).toMatchObject({ reviews: [] });

    expect(search(['expected', '--kind', 'review'])).toEqual([expect.objectContaining({ kind: 'review', operator: 'lead', runId: printer })]);
    expect(handrail(['audit', 'verify'], cli).code).toBe(0);
  });

  it.each([
    [['audit', 'review', 'PLACEHOLDER', '--note', '   '], 'handrail: a review needs a note saying what you checked (--note TEXT); nothing was recorded'],
    [['audit', 'review', 'nope', '--note', 'fine'], "handrail: no run 'nope' (handrail runs lists them); nothing was recorded or searched"],
  ])('refuses %j with one line and exit 2, recording nothing', (args, message) => {
    const before = search(['review', '--kind', 'review']).length;
    const result = handrail(args.map((a) => (a === 'PLACEHOLDER' ? printer : a)), cli);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe(message);
    expect(search(['review', '--kind', 'review'])).toHaveLength(before);
  });
});
