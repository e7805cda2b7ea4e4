// Never edit this file once released; see 0001-runs.ts.
//
// Full-text search over the audit trail (`handrail audit search`), with SQLite FTS5.
//
// Events: an external-content index over a view, so the text is not stored twice. It holds
// the body's leaf values ("reason: the disk is full; attempt: 2") rather than the raw JSON,
// whose escapes would glue words together ("line1\nerror" would index as "nerror"). A trigger
// on audit_bodies fills it in the appending transaction, so no code path can forget it, and
// the rows already recorded are indexed here (plain SQL can).
//
// Output: step_output holds DEFLATE-compressed chunks, which SQL cannot read, so the store
// indexes each chunk's text as it stores it (store/audit-search.ts), in a contentless index:
// the text is not kept twice, and a snippet is cut from the decompressed chunk on a match.
// Output stored before this migration is not indexed: only Node can decompress it.

export const name = '0004-audit-search';

/** The searchable text of a body: its leaf values, named by their keys. Deterministic. */
const BODY_TEXT = (body: string) =>
  `(SELECT group_concat(CASE WHEN typeof(key) = 'text' THEN key || ': ' || value ELSE value END, '; ')
     FROM json_tree(${body}) WHERE atom IS NOT NULL)`;

export const sql = `
CREATE VIEW audit_search_source (seq, kind, operator, body) AS
  SELECT e.seq, e.kind, e.operator, ${BODY_TEXT('b.body_json')}
  FROM audit_events e JOIN audit_bodies b ON b.seq = e.seq;

CREATE VIRTUAL TABLE audit_search USING fts5(
  kind, operator, body, content = 'audit_search_source', content_rowid = 'seq', tokenize = 'unicode61 remove_diacritics 2'
);

-- append() inserts the event, then its body: at the body's insert both are there.
CREATE TRIGGER audit_search_on_body AFTER INSERT ON audit_bodies
BEGIN
  INSERT INTO audit_search (rowid, kind, operator, body)
    SELECT e.seq, e.kind, e.operator, ${BODY_TEXT('NEW.body_json')} FROM audit_events e WHERE e.seq = NEW.seq;
END;

-- A body purged of a leaked secret must leave the index too, or search would still find it.
CREATE TRIGGER audit_search_on_body_change AFTER UPDATE OF body_json ON audit_bodies
BEGIN
  INSERT INTO audit_search (audit_search, rowid, kind, operator, body)
    SELECT 'delete', e.seq, e.kind, e.operator, ${BODY_TEXT('OLD.body_json')} FROM audit_events e WHERE e.seq = OLD.seq;
  INSERT INTO audit_search (rowid, kind, operator, body)
    SELECT e.seq, e.kind, e.operator, ${BODY_TEXT('NEW.body_json')} FROM audit_events e WHERE e.seq = NEW.seq;
END;

INSERT INTO audit_search (rowid, kind, operator, body) SELECT seq, kind, operator, body FROM audit_search_source;

-- One row per indexed output chunk: where it is, and when it was stored (output rows have no
-- time of their own). id is the rowid of the chunk's text in audit_output_search.
CREATE TABLE audit_output_chunks (
  id INTEGER PRIMARY KEY,
  run_id TEXT NOT NULL,
  idx INTEGER NOT NULL,
  attempt INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  stream TEXT NOT NULL,
  at TEXT NOT NULL,
  UNIQUE (run_id, idx, attempt, seq)
) STRICT;

CREATE VIRTUAL TABLE audit_output_search USING fts5(
  text, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2'
);
`;
