// Validator rules that judge a runbook against handrail.yml: targets exist where the
// runbook may run, sql runs on databases, and SQL that writes is marked `mutates` —
// decided by parsing the SQL in the dialect of the target, never by a keyword grep.
import { describe, expect, it } from 'vitest';
import { runbookProblems } from '../support/validate-text.js';

/** One step; its fence is on line 10 and its first code line is 11. */
const step = (info: string, code: string, environments = '[pilot, local-demo]') =>
  runbookProblems(`---\nid: x\ntitle: T\nversion: 1.0.0\nenvironments: ${environments}\n---\n\n## A\n\n\`\`\`${info}\n${code}\n\`\`\`\n`);

describe('targets', () => {
  it('rejects a target no environment defines', () => {
    expect(step('sh {target=ap}', 'uptime')).toEqual([
      "10:8: target 'ap' is not defined in any environment of handrail.yml (targets: app, events, local)",
    ]);
  });

  it('rejects a target missing from an environment the runbook may run in', () => {
    const inventory = `environments:\n  a:\n    targets:\n      app: local\n  b:\n    targets:\n      db: { sqlite: x.db }\n`;
    expect(
      runbookProblems(`---\nid: x\ntitle: T\nversion: 1.0.0\nenvironments: [a, b]\n---\n\n## A\n\n\`\`\`sh {target=app}\nuptime\n\`\`\`\n`, inventory),
    ).toEqual(["10:8: target 'app' is not defined in environment 'b', where this runbook may run; define it in handrail.yml or remove it from environments"]);
  });

  it('needs a database target for sql', () => {
    expect(step('sql {target=app}', 'SELECT 1', '[pilot]')).toEqual([
      "10:9: target 'app' is an ssh target in environment 'pilot'; a sql step needs a sqlite or postgres target",
    ]);
    expect(step('sql {target=local}', 'SELECT 1')).toEqual([
      "10:9: 'local' is this machine, not a database; a sql step needs a sqlite or postgres target",
    ]);
  });

  it('needs database targets in a sh step mutates list', () => {
    expect(step('sh {target=app mutates=app}', 'rm -f /tmp/x', '[pilot]')).toEqual([
      "10:19: target 'app' is an ssh target in environment 'pilot'; mutates names the databases a step changes, so they can be snapshotted",
    ]);
    expect(step('sh {target=app mutates=evnts}', 'rm -f /tmp/x')).toEqual([
      "10:19: target 'evnts' is not defined in any environment of handrail.yml (targets: app, events, local)",
    ]);
  });

  it('accepts target=local for sh without an inventory entry', () => {
    expect(step('sh {target=local}', 'uptime')).toEqual([]);
  });
});

describe('SQL that writes', () => {
  const NOT_MARKED = 'but the step is not marked mutates; add {mutates} so a snapshot is taken first';

  it.each([
    ['DELETE FROM events WHERE pilot = 7', 'deletes rows'],
    ['UPDATE events SET kind = 1', 'updates rows'],
    ["INSERT INTO events (kind) VALUES ('x')", 'inserts rows'],
    ["REPLACE INTO events (id) VALUES (1)", 'inserts rows'],
    ['DROP TABLE events', 'drops a table'],
    ['CREATE INDEX i ON events (kind)', 'creates a index'],
    ['ALTER TABLE events ADD COLUMN x TEXT', 'alters a table'],
    ['PRAGMA journal_mode = WAL', 'changes a setting (PRAGMA … =)'],
    ['VACUUM', 'runs VACUUM'],
  ])('%s needs mutates', (sql, verb) => {
    expect(step('sql {target=events}', sql)).toEqual([`11:1: this SQL ${verb} ${NOT_MARKED}`]);
  });

  it('finds a write hidden in a WITH clause (PostgreSQL)', () => {
    const sql = 'WITH gone AS (DELETE FROM events RETURNING id) SELECT count(*) FROM gone';
    expect(step('sql {target=events}', sql, '[production]')).toEqual([`11:1: this SQL deletes rows ${NOT_MARKED}`]);
  });

  it('points at the statement that writes, not the first', () => {
    expect(step('sql {target=events}', 'SELECT 1;\n  TRUNCATE events;', '[production]')).toEqual([
      `12:3: this SQL truncates a table ${NOT_MARKED}`,
    ]);
  });

  it('does not mistake words in strings and comments for writes', () => {
    expect(step('sql {target=events}', "SELECT 'DELETE FROM events' AS hint -- DROP TABLE x\nFROM events")).toEqual([]);
  });

  it('treats SQL it cannot parse as writing', () => {
    expect(step('sql {target=events}', 'SELEC id FROM events')).toEqual([
      '11:1: this SQL could not be parsed as SQLite (Unexpected "SELEC"), so Handrail treats it as writing; fix the statement, or add {mutates} if it does change data',
    ]);
    expect(step('sql {target=events mutates}', 'SELEC id FROM events')).toEqual([
      '11:1: warning: this SQL could not be parsed as SQLite (Unexpected "SELEC"), so Handrail treats it as writing; check the statement',
    ]);
  });

  it('holds SQL to the dialect of every environment the target is in', () => {
    // ILIKE is PostgreSQL only: fine in production, unparseable (so writing) for SQLite.
    expect(step('sql {target=events}', "SELECT id FROM events WHERE kind ILIKE 'a%'", '[production]')).toEqual([]);
    expect(step('sql {target=events}', "SELECT id FROM events WHERE kind ILIKE 'a%'", '[pilot, production]')).toEqual([
      '11:34: this SQL could not be parsed as SQLite (Unexpected "ILIKE"), so Handrail treats it as writing; fix the statement, or add {mutates} if it does change data',
    ]);
  });

  it('warns when a step is marked mutates but only reads', () => {
    expect(step('sql {target=events mutates}', 'SELECT count(*) FROM events')).toEqual([
      "10:23: warning: step 'A' is marked mutates but its SQL only reads; remove mutates (a needless snapshot costs time during an incident)",
    ]);
  });
});
