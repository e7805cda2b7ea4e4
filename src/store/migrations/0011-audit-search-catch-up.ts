// Never edit this file once released; see 0001-runs.ts.
//
// The event search index (0004) leaves the appending transaction. Its trigger wrote about six
// pages of FTS5 index per event, so every acknowledged event under synchronous=FULL cost
// eight pages of WAL instead of two (the event row and its body row). Now the index catches
// up: audit_search_progress says up to which seq it holds every event, and the store indexes
// the events after that before any search reads the index (store/audit-search-catch-up.ts),
// so a search never misses an event; it also catches up after a run's end.
//
// Events recorded before this migration were indexed by the trigger: the index holds all of
// them. A body purged of a leaked secret leaves the index only if it was indexed (an FTS5
// 'delete' of a row the index does not hold would corrupt it); one not indexed yet is
// indexed as purged when the index catches up.

export const name = '0011-audit-search-catch-up';

/** The searchable text of a body, exactly as 0004 defines it. */
const BODY_TEXT = (body: string) =>
  `(SELECT group_concat(CASE WHEN typeof(key) = 'text' THEN key || ': ' || value ELSE value END, '; ')
     FROM json_tree(${body}) WHERE atom IS NOT NULL)`;

export const sql = `
CREATE TABLE audit_search_progress (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  indexed_upto INTEGER NOT NULL
) STRICT;
INSERT INTO audit_search_progress (id, indexed_upto) SELECT 1, coalesce(max(seq), 0) FROM audit_events;

DROP TRIGGER audit_search_on_body;

DROP TRIGGER audit_search_on_body_change;
CREATE TRIGGER audit_search_on_body_change AFTER UPDATE OF body_json ON audit_bodies
WHEN OLD.seq <= (SELECT indexed_upto FROM audit_search_progress)
BEGIN
  INSERT INTO audit_search (audit_search, rowid, kind, operator, body)
    SELECT 'delete', e.seq, e.kind, e.operator, ${BODY_TEXT('OLD.body_json')} FROM audit_events e WHERE e.seq = OLD.seq;
  INSERT INTO audit_search (rowid, kind, operator, body)
    SELECT e.seq, e.kind, e.operator, ${BODY_TEXT('NEW.body_json')} FROM audit_events e WHERE e.seq = NEW.seq;
END;
`;
