CREATE TABLE outbox (
  id             INTEGER PRIMARY KEY,
  topic          TEXT NOT NULL,
  payload        TEXT NOT NULL,
  created_at     TEXT NOT NULL,
  sent_at        TEXT,
  dead_letter_id INTEGER UNIQUE REFERENCES dead_letters (id)
);
