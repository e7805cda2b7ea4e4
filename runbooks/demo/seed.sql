-- Demo data for the local-demo environment.
--
-- Handrail runs this file once, when ${data_dir}/demo/events.db does not exist yet. To start
-- over, delete that file; the next run that uses the `events` target creates it again.
--
-- The schema is what migrations 0001-0003 of the app create (see
-- demo/artifacts/app-1.4.2/migrations/); 0004 is deliberately not applied, so
-- check-migrations has something pending to show.

CREATE TABLE schema_migrations (
  version    TEXT PRIMARY KEY,
  applied_at TEXT NOT NULL
);

-- 0001_create_events
CREATE TABLE events (
  id         INTEGER PRIMARY KEY,
  pilot      TEXT,                -- NULL for users outside the pilot programme
  kind       TEXT NOT NULL,
  payload    TEXT NOT NULL,       -- JSON
  created_at TEXT NOT NULL
);

-- 0002_create_dead_letters
CREATE TABLE dead_letters (
  id          INTEGER PRIMARY KEY,
  topic       TEXT NOT NULL,
  payload     TEXT NOT NULL,
  error       TEXT NOT NULL,
  failed_at   TEXT NOT NULL,
  replayed_at TEXT                -- set when the message was copied back to the outbox
);

-- 0003_create_outbox
CREATE TABLE outbox (
  id             INTEGER PRIMARY KEY,
  topic          TEXT NOT NULL,
  payload        TEXT NOT NULL,
  created_at     TEXT NOT NULL,
  sent_at        TEXT,            -- set by the relay once the broker accepted it
  dead_letter_id INTEGER UNIQUE REFERENCES dead_letters (id)  -- set for replays
);

INSERT INTO schema_migrations (version, applied_at) VALUES
  ('0001_create_events',       '2025-01-14 10:02:11'),
  ('0002_create_dead_letters', '2025-02-03 09:41:57'),
  ('0003_create_outbox',       '2025-02-03 09:41:58');

INSERT INTO events (id, pilot, kind, payload, created_at) VALUES
  (1,  'pilot-7', 'app_open',     '{"device":"ios","app_version":"3.8.0"}',              '2025-06-02 07:55:10'),
  (2,  'pilot-7', 'login',        '{"method":"magic_link"}',                             '2025-06-02 07:55:31'),
  (3,  'pilot-7', 'order_placed', '{"order_id":"o-10481","total_cents":2350}',           '2025-06-02 08:03:44'),
  (4,  'pilot-7', 'sync',         '{"items":42,"duration_ms":812}',                      '2025-06-02 08:04:02'),
  (5,  'pilot-7', 'crash',        '{"signal":"SIGABRT","screen":"checkout"}',            '2025-06-02 08:04:09'),
  (6,  'pilot-7', 'app_open',     '{"device":"ios","app_version":"3.8.1"}',              '2025-06-03 12:20:45'),
  (7,  'pilot-7', 'order_placed', '{"order_id":"o-10502","total_cents":990}',            '2025-06-03 12:22:13'),
  (8,  'pilot-7', 'sync',         '{"items":3,"duration_ms":140}',                       '2025-06-03 12:22:20'),
  (9,  'pilot-9', 'app_open',     '{"device":"android","app_version":"3.8.1"}',          '2025-06-02 18:40:00'),
  (10, 'pilot-9', 'login',        '{"method":"password"}',                               '2025-06-02 18:40:12'),
  (11, 'pilot-9', 'sync',         '{"items":17,"duration_ms":455}',                      '2025-06-02 18:40:30'),
  (12, 'pilot-9', 'order_placed', '{"order_id":"o-10490","total_cents":4100}',           '2025-06-02 18:52:09'),
  (13, 'pilot-9', 'app_open',     '{"device":"android","app_version":"3.8.1"}',          '2025-06-04 09:01:33'),
  (14, 'pilot-9', 'sync',         '{"items":0,"duration_ms":98}',                        '2025-06-04 09:01:41'),
  (15, NULL,      'app_open',     '{"device":"web","app_version":"3.7.4"}',              '2025-06-02 10:15:00'),
  (16, NULL,      'order_placed', '{"order_id":"o-10484","total_cents":1575}',           '2025-06-02 10:19:27'),
  (17, NULL,      'login',        '{"method":"sso"}',                                    '2025-06-03 16:45:52');

INSERT INTO dead_letters (id, topic, payload, error, failed_at, replayed_at) VALUES
  (1, 'billing.invoices',   '{"invoice_id":"inv-5521","order_id":"o-10481","amount_cents":2350}',
      'connect ECONNREFUSED 10.0.4.17:8443 (billing-api)',              '2025-06-02 08:03:50', NULL),
  (2, 'billing.invoices',   '{"invoice_id":"inv-5524","order_id":"o-10484","amount_cents":1575}',
      'connect ECONNREFUSED 10.0.4.17:8443 (billing-api)',              '2025-06-02 10:19:31', NULL),
  (3, 'billing.invoices',   '{"invoice_id":"inv-5530","order_id":"o-10490","amount_cents":4100}',
      'billing-api responded 503 Service Unavailable',                  '2025-06-02 18:52:15', NULL),
  (4, 'notifications.push', '{"user":"u-8812","template":"order_shipped","order_id":"o-10402"}',
      'APNs responded 429 TooManyRequests',                             '2025-05-28 14:00:02', '2025-05-28 15:10:44'),
  (5, 'notifications.push', '{"user":"u-9031","template":"order_shipped","order_id":"o-10502"}',
      'APNs responded 429 TooManyRequests',                             '2025-06-03 12:30:00', NULL),
  (6, 'pilot.events',       '{"pilot":"pilot-7","kind":"crash","event_id":5}',
      'consumer timed out after 30s (analytics-writer)',                '2025-06-02 08:04:40', NULL),
  (7, 'pilot.events',       '{"pilot":"pilot-9"}',
      'schema validation failed: missing required field "kind"',        '2025-06-04 09:02:03', NULL);

INSERT INTO outbox (id, topic, payload, created_at, sent_at, dead_letter_id) VALUES
  (1, 'notifications.push', '{"user":"u-8812","template":"order_shipped","order_id":"o-10402"}',
      '2025-05-28 15:10:44', '2025-05-28 15:10:45', 4),
  (2, 'billing.invoices',   '{"invoice_id":"inv-5519","order_id":"o-10477","amount_cents":1200}',
      '2025-06-01 17:22:05', '2025-06-01 17:22:05', NULL),
  (3, 'notifications.push', '{"user":"u-7710","template":"welcome"}',
      '2025-06-03 16:46:00', '2025-06-03 16:46:01', NULL);
