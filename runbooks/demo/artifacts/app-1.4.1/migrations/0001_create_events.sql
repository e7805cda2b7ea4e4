CREATE TABLE events (
  id         INTEGER PRIMARY KEY,
  pilot      TEXT,
  kind       TEXT NOT NULL,
  payload    TEXT NOT NULL,
  created_at TEXT NOT NULL
);
