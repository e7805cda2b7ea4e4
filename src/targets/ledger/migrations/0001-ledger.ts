// Never edit this file once released: `handrail team init` and every machine that ships to the
// ledger refuse a ledger whose recorded SHA-256 of this SQL differs from the code's. Change the
// ledger with a new numbered migration.
//
// The team ledger: schema `handrail` on a PostgreSQL the team already runs. It is a witness,
// not the primary store: each machine keeps its own SQLite trail and ships copies here. The
// tables mirror the local audit_events / audit_bodies / audit_checkpoints / step_output columns
// (plus the machine's id), so the same verification code checks a machine's chain read from
// either place. `at` stays TEXT: it is hashed as the exact text the machine wrote.
//
// Nothing here is ever changed or deleted. The grants give handrail_writer INSERT and SELECT
// only, and triggers refuse UPDATE, DELETE and TRUNCATE for everyone, the tables' owner
// included (who would have to drop a trigger first, which the server logs and a reader sees).
// The rules that make the ledger a witness are checked by the server, not by the machine that
// ships: an event must continue its machine's chain (next seq, prev_hash = the hash before it,
// hash recomputed from its fields), a checkpoint must sign an event the ledger holds with the
// machine's pinned key, and a machine's key is pinned at its first contact.

export const name = '0001-ledger';

export const sql = `
DO $roles$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'handrail_writer') THEN
    CREATE ROLE handrail_writer NOLOGIN;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'handrail_reader') THEN
    CREATE ROLE handrail_reader NOLOGIN;
  END IF;
END
$roles$;

-- One row per machine (a Handrail data folder), its signing key pinned at first contact.
CREATE TABLE handrail.machines (
  machine_id TEXT PRIMARY KEY,
  hostname TEXT NOT NULL,
  public_key_pem TEXT NOT NULL,
  key_fingerprint TEXT NOT NULL CHECK (key_fingerprint ~ '^SHA256:[0-9a-f]{64}$'),
  registered_by TEXT NOT NULL,
  registered_role TEXT NOT NULL DEFAULT session_user,
  registered_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- A machine that came back with another key than the one pinned: refused, and kept for leads.
CREATE TABLE handrail.key_incidents (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  machine_id TEXT NOT NULL REFERENCES handrail.machines (machine_id),
  pinned_fingerprint TEXT NOT NULL,
  offered_fingerprint TEXT NOT NULL,
  offered_public_key_pem TEXT NOT NULL,
  hostname TEXT NOT NULL,
  operator TEXT NOT NULL,
  db_role TEXT NOT NULL DEFAULT session_user,
  at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE handrail.audit_events (
  machine_id TEXT NOT NULL REFERENCES handrail.machines (machine_id),
  seq BIGINT NOT NULL CHECK (seq >= 1),
  at TEXT NOT NULL,
  operator TEXT NOT NULL,
  machine TEXT NOT NULL,
  app_version TEXT NOT NULL,
  kind TEXT NOT NULL,
  run_id TEXT,
  step_idx INTEGER,
  environment TEXT,
  target TEXT,
  body_sha256 TEXT NOT NULL CHECK (body_sha256 ~ '^[0-9a-f]{64}$'),
  prev_hash TEXT NOT NULL CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
  hash TEXT NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$'),
  received_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  received_by TEXT NOT NULL DEFAULT session_user,
  PRIMARY KEY (machine_id, seq)
);
CREATE INDEX audit_events_by_run ON handrail.audit_events (machine_id, run_id, seq) WHERE run_id IS NOT NULL;
CREATE INDEX audit_events_by_time ON handrail.audit_events (at);

CREATE TABLE handrail.audit_bodies (
  machine_id TEXT NOT NULL,
  seq BIGINT NOT NULL,
  body_json TEXT NOT NULL,
  PRIMARY KEY (machine_id, seq),
  FOREIGN KEY (machine_id, seq) REFERENCES handrail.audit_events (machine_id, seq)
);

CREATE TABLE handrail.audit_checkpoints (
  machine_id TEXT NOT NULL,
  seq BIGINT NOT NULL,
  head_hash TEXT NOT NULL CHECK (head_hash ~ '^[0-9a-f]{64}$'),
  at TEXT NOT NULL,
  signature TEXT NOT NULL,
  public_key_fingerprint TEXT NOT NULL,
  prev_checkpoint_hash TEXT CHECK (prev_checkpoint_hash IS NULL OR prev_checkpoint_hash ~ '^[0-9a-f]{64}$'),
  received_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (machine_id, seq),
  FOREIGN KEY (machine_id, seq) REFERENCES handrail.audit_events (machine_id, seq)
);

-- A step's output, chunk by chunk, as stored locally: raw DEFLATE of the bytes received.
-- Each chunk is vouched for by a step.output event whose body holds its SHA-256.
CREATE TABLE handrail.step_output (
  machine_id TEXT NOT NULL REFERENCES handrail.machines (machine_id),
  run_id TEXT NOT NULL,
  idx INTEGER NOT NULL,
  attempt INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  stream TEXT NOT NULL CHECK (stream IN ('stdout', 'stderr')),
  raw_bytes INTEGER NOT NULL,
  data BYTEA NOT NULL,
  event_seq BIGINT NOT NULL,
  PRIMARY KEY (machine_id, run_id, idx, attempt, seq)
);

-- The run and step rows as the machine held them when an event of the run shipped: appended,
-- never updated, so the newest row (highest event_seq) of a run is its latest state. Beside
-- the chain, like the local rows: a reader checks them against the run's events.
CREATE TABLE handrail.run_records (
  machine_id TEXT NOT NULL REFERENCES handrail.machines (machine_id),
  run_id TEXT NOT NULL,
  event_seq BIGINT NOT NULL,
  run_json TEXT NOT NULL,
  steps_json TEXT NOT NULL,
  runbook_source BYTEA,
  PRIMARY KEY (machine_id, run_id, event_seq)
);

-- Team locks on a target's identity (not its logical name). Acquired and released by
-- appending rows; a lock is held while its 'acquire' row has no 'release' row. The insert
-- trigger keeps at most one holder per identity.
CREATE TABLE handrail.lock_events (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  lock_id TEXT NOT NULL,
  action TEXT NOT NULL CHECK (action IN ('acquire', 'release')),
  lock_key TEXT NOT NULL,
  machine_id TEXT NOT NULL REFERENCES handrail.machines (machine_id),
  hostname TEXT NOT NULL,
  operator TEXT NOT NULL,
  run_id TEXT,
  environment TEXT,
  target TEXT,
  activity TEXT NOT NULL,
  note TEXT,
  at TIMESTAMPTZ NOT NULL DEFAULT now(),
  db_role TEXT NOT NULL DEFAULT session_user,
  UNIQUE (lock_id, action)
);
CREATE INDEX lock_events_by_key ON handrail.lock_events (lock_key, id);

CREATE VIEW handrail.held_locks AS
  SELECT a.lock_id, a.lock_key, a.machine_id, a.hostname, a.operator, a.run_id, a.environment, a.target, a.activity, a.at AS since
  FROM handrail.lock_events a
  WHERE a.action = 'acquire'
    AND NOT EXISTS (SELECT 1 FROM handrail.lock_events r WHERE r.lock_id = a.lock_id AND r.action = 'release');

-- The chain's hash, byte for byte as src/core/audit/chain-hash.ts computes it:
-- enc(null) = 0x00, enc(v) = 0x01 || uint32 big-endian length || UTF-8 bytes.
CREATE FUNCTION handrail.chain_field(v TEXT) RETURNS BYTEA LANGUAGE sql IMMUTABLE AS $f$
  SELECT CASE WHEN v IS NULL THEN '\\x00'::bytea
    ELSE '\\x01'::bytea || int4send(octet_length(convert_to(v, 'UTF8'))) || convert_to(v, 'UTF8') END
$f$;

CREATE FUNCTION handrail.event_hash(e handrail.audit_events) RETURNS TEXT LANGUAGE sql IMMUTABLE AS $f$
  SELECT encode(sha256(decode(e.prev_hash, 'hex')
    || handrail.chain_field(e.seq::text) || handrail.chain_field(e.at) || handrail.chain_field(e.operator)
    || handrail.chain_field(e.machine) || handrail.chain_field(e.app_version) || handrail.chain_field(e.kind)
    || handrail.chain_field(e.run_id) || handrail.chain_field(e.step_idx::text) || handrail.chain_field(e.environment)
    || handrail.chain_field(e.target) || handrail.chain_field(e.body_sha256)), 'hex')
$f$;

-- SQLSTATE HR001..HR099 are the ledger's refusals; the shipper tells them from a network fault.
CREATE FUNCTION handrail.audit_events_continue_chain() RETURNS trigger LANGUAGE plpgsql AS $f$
DECLARE
  held TEXT;
  last RECORD;
BEGIN
  -- One shipper at a time per machine: the check and the insert are one step.
  PERFORM pg_advisory_xact_lock(hashtext('handrail chain ' || NEW.machine_id));
  SELECT hash INTO held FROM handrail.audit_events WHERE machine_id = NEW.machine_id AND seq = NEW.seq;
  IF FOUND THEN
    IF held = NEW.hash THEN RETURN NULL; END IF; -- shipped before: nothing to do
    RAISE EXCEPTION USING ERRCODE = 'HR001',
      MESSAGE = format('event %s of machine %s is not the one the ledger holds (hash %s there, %s offered): this machine''s trail was rewritten after seq %s shipped',
        NEW.seq, NEW.machine_id, left(held, 12), left(NEW.hash, 12), NEW.seq);
  END IF;
  SELECT seq, hash INTO last FROM handrail.audit_events WHERE machine_id = NEW.machine_id ORDER BY seq DESC LIMIT 1;
  IF NOT FOUND THEN
    IF NEW.seq <> 1 OR NEW.prev_hash <> repeat('0', 64) THEN
      RAISE EXCEPTION USING ERRCODE = 'HR002',
        MESSAGE = format('machine %s has no events in the ledger yet: its first must be seq 1 with the genesis prev_hash, not seq %s', NEW.machine_id, NEW.seq);
    END IF;
  ELSIF NEW.seq <> last.seq + 1 THEN
    RAISE EXCEPTION USING ERRCODE = 'HR002',
      MESSAGE = format('event %s of machine %s does not follow the ledger''s last event of it (seq %s): events are shipped in order, one after the other', NEW.seq, NEW.machine_id, last.seq);
  ELSIF NEW.prev_hash <> last.hash THEN
    RAISE EXCEPTION USING ERRCODE = 'HR003',
      MESSAGE = format('event %s of machine %s does not continue its chain: its prev_hash %s is not the hash of event %s in the ledger (%s)',
        NEW.seq, NEW.machine_id, left(NEW.prev_hash, 12), last.seq, left(last.hash, 12));
  END IF;
  IF handrail.event_hash(NEW) <> NEW.hash THEN
    RAISE EXCEPTION USING ERRCODE = 'HR004',
      MESSAGE = format('event %s of machine %s does not match its own hash: its fields were changed after it was chained', NEW.seq, NEW.machine_id);
  END IF;
  NEW.received_at := now();
  NEW.received_by := session_user;
  RETURN NEW;
END
$f$;
CREATE TRIGGER audit_events_continue_chain BEFORE INSERT ON handrail.audit_events
  FOR EACH ROW EXECUTE FUNCTION handrail.audit_events_continue_chain();

CREATE FUNCTION handrail.audit_bodies_match() RETURNS trigger LANGUAGE plpgsql AS $f$
DECLARE
  expected TEXT;
  held TEXT;
BEGIN
  SELECT body_json INTO held FROM handrail.audit_bodies WHERE machine_id = NEW.machine_id AND seq = NEW.seq;
  IF FOUND THEN
    IF held = NEW.body_json THEN RETURN NULL; END IF;
    RAISE EXCEPTION USING ERRCODE = 'HR005', MESSAGE = format('the body of event %s of machine %s differs from the one the ledger holds', NEW.seq, NEW.machine_id);
  END IF;
  SELECT body_sha256 INTO expected FROM handrail.audit_events WHERE machine_id = NEW.machine_id AND seq = NEW.seq;
  IF expected IS DISTINCT FROM encode(sha256(convert_to(NEW.body_json, 'UTF8')), 'hex') THEN
    RAISE EXCEPTION USING ERRCODE = 'HR005', MESSAGE = format('the body offered for event %s of machine %s is not the one its event chained', NEW.seq, NEW.machine_id);
  END IF;
  RETURN NEW;
END
$f$;
CREATE TRIGGER audit_bodies_match BEFORE INSERT ON handrail.audit_bodies
  FOR EACH ROW EXECUTE FUNCTION handrail.audit_bodies_match();

CREATE FUNCTION handrail.audit_checkpoints_match() RETURNS trigger LANGUAGE plpgsql AS $f$
DECLARE
  held TEXT;
  head TEXT;
  pinned TEXT;
BEGIN
  SELECT signature INTO held FROM handrail.audit_checkpoints WHERE machine_id = NEW.machine_id AND seq = NEW.seq;
  IF FOUND THEN
    IF held = NEW.signature THEN RETURN NULL; END IF;
    RAISE EXCEPTION USING ERRCODE = 'HR006', MESSAGE = format('the checkpoint at seq %s of machine %s differs from the one the ledger holds', NEW.seq, NEW.machine_id);
  END IF;
  SELECT hash INTO head FROM handrail.audit_events WHERE machine_id = NEW.machine_id AND seq = NEW.seq;
  IF head IS DISTINCT FROM NEW.head_hash THEN
    RAISE EXCEPTION USING ERRCODE = 'HR006', MESSAGE = format('the checkpoint at seq %s of machine %s does not sign the event the ledger holds there', NEW.seq, NEW.machine_id);
  END IF;
  SELECT key_fingerprint INTO pinned FROM handrail.machines WHERE machine_id = NEW.machine_id;
  IF pinned IS DISTINCT FROM NEW.public_key_fingerprint THEN
    RAISE EXCEPTION USING ERRCODE = 'HR007', MESSAGE = format('the checkpoint at seq %s of machine %s names key %s, not its pinned key %s', NEW.seq, NEW.machine_id, NEW.public_key_fingerprint, pinned);
  END IF;
  NEW.received_at := now();
  RETURN NEW;
END
$f$;
CREATE TRIGGER audit_checkpoints_match BEFORE INSERT ON handrail.audit_checkpoints
  FOR EACH ROW EXECUTE FUNCTION handrail.audit_checkpoints_match();

CREATE FUNCTION handrail.step_output_once() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN
  IF EXISTS (SELECT 1 FROM handrail.step_output WHERE machine_id = NEW.machine_id AND run_id = NEW.run_id AND idx = NEW.idx
               AND attempt = NEW.attempt AND seq = NEW.seq) THEN
    RETURN NULL;
  END IF;
  RETURN NEW;
END
$f$;
CREATE TRIGGER step_output_once BEFORE INSERT ON handrail.step_output
  FOR EACH ROW EXECUTE FUNCTION handrail.step_output_once();

CREATE FUNCTION handrail.lock_events_one_holder() RETURNS trigger LANGUAGE plpgsql AS $f$
DECLARE
  holder RECORD;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('handrail lock ' || NEW.lock_key));
  SELECT * INTO holder FROM handrail.held_locks WHERE lock_key = NEW.lock_key ORDER BY since LIMIT 1;
  IF NEW.action = 'acquire' THEN
    IF FOUND THEN
      IF holder.machine_id = NEW.machine_id AND holder.run_id IS NOT DISTINCT FROM NEW.run_id THEN RETURN NULL; END IF;
      RAISE EXCEPTION USING ERRCODE = 'HR010',
        MESSAGE = format('%s is held by %s of %s on %s since %s (lock %s)', NEW.lock_key, holder.activity, holder.operator, holder.hostname, holder.since, holder.lock_id);
    END IF;
  ELSIF NOT FOUND OR holder.lock_id <> NEW.lock_id THEN
    RAISE EXCEPTION USING ERRCODE = 'HR011', MESSAGE = format('lock %s on %s is not held; nothing to release', NEW.lock_id, NEW.lock_key);
  END IF;
  NEW.at := now();
  NEW.db_role := session_user;
  RETURN NEW;
END
$f$;
CREATE TRIGGER lock_events_one_holder BEFORE INSERT ON handrail.lock_events
  FOR EACH ROW EXECUTE FUNCTION handrail.lock_events_one_holder();

-- Registers a machine with its key, or checks the key it comes back with. SECURITY DEFINER:
-- handrail_writer may not write machines or key_incidents itself, so a refused key is still
-- recorded (a trigger's refusal would roll its own record back).
CREATE FUNCTION handrail.register_machine(p_machine_id TEXT, p_hostname TEXT, p_operator TEXT, p_public_key_pem TEXT, p_fingerprint TEXT)
RETURNS TABLE (status TEXT, pinned_fingerprint TEXT, registered_at TIMESTAMPTZ)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $f$
DECLARE
  m RECORD;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('handrail machine ' || p_machine_id));
  SELECT * INTO m FROM handrail.machines WHERE machine_id = p_machine_id;
  IF NOT FOUND THEN
    INSERT INTO handrail.machines (machine_id, hostname, public_key_pem, key_fingerprint, registered_by, registered_role)
      VALUES (p_machine_id, p_hostname, p_public_key_pem, p_fingerprint, p_operator, session_user);
    RETURN QUERY SELECT 'registered'::text, p_fingerprint, now();
  ELSIF m.key_fingerprint = p_fingerprint THEN
    RETURN QUERY SELECT 'known'::text, m.key_fingerprint, m.registered_at;
  ELSE
    IF NOT EXISTS (SELECT 1 FROM handrail.key_incidents k WHERE k.machine_id = p_machine_id AND k.offered_fingerprint = p_fingerprint) THEN
      INSERT INTO handrail.key_incidents (machine_id, pinned_fingerprint, offered_fingerprint, offered_public_key_pem, hostname, operator, db_role)
        VALUES (p_machine_id, m.key_fingerprint, p_fingerprint, p_public_key_pem, p_hostname, p_operator, session_user);
    END IF;
    RETURN QUERY SELECT 'key-mismatch'::text, m.key_fingerprint, m.registered_at;
  END IF;
END
$f$;

-- Append-only, for everyone (the owner too): these guard the witness against a slip and
-- against a writer's account; only dropping a trigger gets past them.
CREATE FUNCTION handrail.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN
  RAISE EXCEPTION USING ERRCODE = 'HR020',
    MESSAGE = format('handrail.%s is append-only: a row of the team ledger can never be changed or removed (%s refused)', TG_TABLE_NAME, TG_OP);
END
$f$;

DO $guards$
DECLARE
  t TEXT;
BEGIN
  FOREACH t IN ARRAY ARRAY['_migrations', 'machines', 'key_incidents', 'audit_events', 'audit_bodies', 'audit_checkpoints', 'step_output', 'run_records', 'lock_events'] LOOP
    EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE OR DELETE ON handrail.%I FOR EACH ROW EXECUTE FUNCTION handrail.refuse_change()', t || '_no_change', t);
    EXECUTE format('CREATE TRIGGER %I BEFORE TRUNCATE ON handrail.%I FOR EACH STATEMENT EXECUTE FUNCTION handrail.refuse_change()', t || '_no_truncate', t);
  END LOOP;
END
$guards$;

REVOKE ALL ON ALL TABLES IN SCHEMA handrail FROM PUBLIC;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA handrail FROM PUBLIC;
GRANT USAGE ON SCHEMA handrail TO handrail_writer, handrail_reader;
GRANT SELECT ON ALL TABLES IN SCHEMA handrail TO handrail_writer, handrail_reader;
GRANT INSERT ON handrail.audit_events, handrail.audit_bodies, handrail.audit_checkpoints, handrail.step_output,
  handrail.run_records, handrail.lock_events TO handrail_writer;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA handrail TO handrail_writer;
GRANT EXECUTE ON FUNCTION handrail.register_machine(TEXT, TEXT, TEXT, TEXT, TEXT) TO handrail_writer;
GRANT EXECUTE ON FUNCTION handrail.chain_field(TEXT), handrail.event_hash(handrail.audit_events) TO handrail_writer, handrail_reader;
`;
