CREATE TABLE dead_letters (
  id          INTEGER PRIMARY KEY,
  topic       TEXT NOT NULL,
  payload     TEXT NOT NULL,
  error       TEXT NOT NULL,
  failed_at   TEXT NOT NULL,
  replayed_at TEXT
);
