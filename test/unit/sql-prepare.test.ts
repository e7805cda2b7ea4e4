// Statements are split and parameters rewritten from the parse tree, so inputs are always
// bound, never spliced, and text that only looks like a parameter is left alone.
import { describe, expect, it } from 'vitest';
import { prepareStatements } from '../../src/core/sql/sql-analysis.js';

describe('prepareStatements', () => {
  it('rewrites :name to $n for PostgreSQL, reusing the number of a repeated name', () => {
    const sql = "SELECT ':pilot', now()::date FROM events WHERE pilot = :pilot OR owner = :owner OR copilot = :pilot; -- :pilot\nDELETE FROM t WHERE a = :owner";
    expect(prepareStatements(sql, 'postgres')).toEqual({
      ok: true,
      statements: [
        { text: "SELECT ':pilot', now()::date FROM events WHERE pilot = $1 OR owner = $2 OR copilot = $1", names: ['pilot', 'owner'] },
        { text: 'DELETE FROM t WHERE a = $1', names: ['owner'] },
      ],
    });
  });

  it('keeps :name for SQLite, which binds it natively', () => {
    expect(prepareStatements('SELECT 1;\nSELECT * FROM t WHERE a = :a;', 'sqlite')).toEqual({
      ok: true,
      statements: [
        { text: 'SELECT 1', names: [] },
        { text: 'SELECT * FROM t WHERE a = :a', names: ['a'] },
      ],
    });
  });

  it('says where SQL it cannot parse breaks', () => {
    expect(prepareStatements('SELECT 1;\nSELEC 2', 'sqlite')).toEqual({ ok: false, message: 'line 2, column 1: Unexpected "SELEC"' });
  });
});
