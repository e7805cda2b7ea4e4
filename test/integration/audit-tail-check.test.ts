// The start-up check of the audit trail's tail: after someone edits what was recorded since
// the last checkpoint, a run still reads but changes nothing, and says why.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { handrail, runIdOf, showRun, type CliOptions } from '../support/handrail-cli.js';

const root = mkdtempSync(join(tmpdir(), 'handrail-tail-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const workspace = join(root, 'ws');
const target = join(root, 'target.db');
let cli: CliOptions;
let n = 0;

mkdirSync(workspace);
writeFileSync(join(workspace, 'handrail.yml'), `environments:\n  dev:\n    targets:\n      db: { sqlite: ${JSON.stringify(target)} }\n`);
const runbook = (id: string, body: string) =>
  writeFileSync(join(workspace, `${id}.md`), `---\nid: ${id}\ntitle: ${id}\nversion: 1.0.0\nenvironments: [dev]\n---\n\n# ${id}\n\n${body}`);
runbook('look', '## Look\n\n```sh {target=local}\necho looked\n```\n');
runbook(
  'look-then-delete',
  "## Look\n\n```sh {target=local}\necho still-readable\n```\n\n## Delete b\n\n```sql {target=db mutates}\nDELETE FROM t WHERE name = 'b';\n```\n",
);

beforeEach(() => {
  cli = { dataDir: join(root, `data-${++n}`), workspace };
  rmSync(target, { force: true });
  const db = new Database(target);
  db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO t (name) VALUES ('a'), ('b');");
  db.close();
  // A clean run ends with a signed checkpoint; the guard's refusal after it is the tail.
  expect(handrail(['run', 'look', '--env', 'dev'], cli).code).toBe(0);
  expect(handrail(['run', 'look', '--env', 'nowhere'], cli).code).toBe(2);
});

const names = () => {
  const db = new Database(target, { readonly: true });
  try {
    return db.prepare('SELECT name FROM t ORDER BY id').pluck().all();
  } finally {
    db.close();
  }
};

/** Edits the app database as someone with write access to the file would. */
function tamper(sql: string) {
  const db = new Database(join(cli.dataDir, 'handrail.db'));
  try {
    db.exec(sql);
  } finally {
    db.close();
  }
}

const REFUSED = "(SELECT max(seq) FROM audit_events WHERE kind = 'guard.refused')";

describe('start-up tail check', () => {
  it.each([
    ['a body edited (bodies have no triggers)', `UPDATE audit_bodies SET body_json = '{"reason":"nothing happened"}' WHERE seq = ${REFUSED}`, 'body-edited'],
    [
      "an event's field edited with the triggers dropped",
      `DROP TRIGGER audit_events_no_update; UPDATE audit_events SET operator = 'someone-else' WHERE seq = ${REFUSED}`,
      'event-edited',
    ],
  ])('after %s: the read step runs, the mutating step fails unrun, nothing changes', (_what, sql, kind) => {
    tamper(sql);
    const seq = (JSON.parse(handrail(['audit', 'verify', '--json'], cli).stdout) as { first: { seq: number } }).first.seq;

    const result = handrail(['run', 'look-then-delete', '--env', 'dev', '--yes'], cli);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('still-readable');
    const shown = showRun(runIdOf(result.stdout), cli);
    expect(shown.steps[0]).toMatchObject({ status: 'succeeded', output: 'still-readable\n' });
    expect(shown.steps[1]).toMatchObject({ status: 'failed', attempt: 0 });
    expect(shown.steps[1]?.reason).toMatch(
      new RegExp(`^the audit trail is broken at event ${seq} \\(${kind}\\): .*; mutating steps are refused until \`handrail audit verify\` is clean; this step was not run and nothing was changed$`),
    );
    expect(names()).toEqual(['a', 'b']);
    // No snapshot either: the step stopped before anything was taken.
    expect(JSON.parse(handrail(['snapshots', '--json'], cli).stdout)).toEqual([]);

    const finding = JSON.parse(handrail(['audit', 'search', 'broken', '--kind', 'audit.tail-broken', '--json'], cli).stdout) as { seq: number }[];
    expect(finding).toHaveLength(1);

    // No checkpoint was signed over the break, so the next run is refused too.
    const again = handrail(['run', 'look-then-delete', '--env', 'dev', '--yes'], cli);
    expect(again.code).toBe(1);
    expect(showRun(runIdOf(again.stdout), cli).steps[1]?.reason).toContain(`the audit trail is broken at event ${seq} (${kind})`);
    expect(names()).toEqual(['a', 'b']);
  });

  it('refuses a restore over a broken tail as it refuses a mutating step, and leaves the database as it is', () => {
    // A snapshot taken while the trail was intact, then a change it would undo.
    const deleted = handrail(['run', 'look-then-delete', '--env', 'dev', '--yes'], cli);
    expect(deleted.code, deleted.stdout + deleted.stderr).toBe(0);
    expect(names()).toEqual(['a']);
    const [taken] = JSON.parse(handrail(['snapshots', '--json'], cli).stdout) as { id: string }[];
    expect(taken).toBeDefined();
    // A refusal after the last checkpoint, then edited: the tail is broken.
    expect(handrail(['run', 'look', '--env', 'nowhere'], cli).code).toBe(2);
    tamper(`UPDATE audit_bodies SET body_json = '{"reason":"nothing happened"}' WHERE seq = ${REFUSED}`);
    const seq = (JSON.parse(handrail(['audit', 'verify', '--json'], cli).stdout) as { first: { seq: number } }).first.seq;

    const restore = handrail(['restore', taken?.id ?? '', '--yes'], cli);
    expect(restore.code).toBe(2);
    expect(restore.stderr).toContain(
      `the audit trail is broken at event ${seq} (body-edited): `,
    );
    expect(restore.stderr).toContain('a restore changes a database, so it is refused until `handrail audit verify` is clean');
    expect(restore.stderr).toMatch(/nothing was changed\n$/);
    expect(names()).toEqual(['a']);
    // No pre-restore snapshot was taken either: the refusal came first.
    const after = JSON.parse(handrail(['snapshots', '--json'], cli).stdout) as { reason: string }[];
    expect(after.map((s) => s.reason)).toEqual(['step']);
    const refused = JSON.parse(handrail(['audit', 'search', 'audit-tail-broken', '--kind', 'restore.refused', '--json'], cli).stdout) as unknown[];
    expect(refused).toHaveLength(1);
  });

  it('lets changes run again once a lead acknowledges the break, which verify keeps naming', () => {
    tamper(`UPDATE audit_bodies SET body_json = '{"reason":"nothing happened"}' WHERE seq = ${REFUSED}`);
    const seq = (JSON.parse(handrail(['audit', 'verify', '--json'], cli).stdout) as { first: { seq: number } }).first.seq;
    expect(handrail(['audit', 'acknowledge', '--note', '  '], cli).code).toBe(2);

    const ack = handrail(['audit', 'acknowledge', '--note', 'edited by hand during the drill; copy kept as INC-7'], cli);
    expect(ack.code, ack.stderr).toBe(0);
    expect(ack.stdout).toMatch(/^acknowledged 1 problem as event \d+, and signed a checkpoint over it/);

    const result = handrail(['run', 'look-then-delete', '--env', 'dev', '--yes'], cli);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(names()).toEqual(['a']);

    const verify = handrail(['audit', 'verify'], cli);
    expect(verify.code).toBe(3);
    expect(verify.stderr).toContain(`audit trail BROKEN at event ${seq} (body-edited)`);
    expect(verify.stderr).toMatch(/acknowledged by \S+ at \S+ \(event \d+\): edited by hand during the drill; copy kept as INC-7/);
  });

  it('records an intact verification in the chain, and nothing when there is nothing to acknowledge', () => {
    expect(handrail(['audit', 'verify'], cli).code).toBe(0);
    const found = JSON.parse(handrail(['audit', 'search', 'checkpoints', '--kind', 'audit.verified', '--json'], cli).stdout) as unknown[];
    expect(found).toHaveLength(1);
    const ack = handrail(['audit', 'acknowledge', '--note', 'just checking'], cli);
    expect(ack.code).toBe(2);
    expect(ack.stderr).toContain('the audit trail is intact; there is nothing to acknowledge and nothing was recorded');
  });

  it('lets the mutating step run when the tail is intact', () => {
    const result = handrail(['run', 'look-then-delete', '--env', 'dev', '--yes'], cli);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(names()).toEqual(['a']);
  });
});
