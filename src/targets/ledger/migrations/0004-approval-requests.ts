// Never edit this file once released (see 0001-ledger.ts): change the ledger with a new migration.
//
// Approval requests: an operator posts a plan for approvers to read and sign, and an approver
// posts the signature back. The ledger is only a carrier here, never a judge: a run checks
// each signature it fetches as it checks a PLAN.sig file (the approvers file from the
// workspace, the namespace, the plan id rebuilt from the run itself, the time, approver not
// operator), so a row forged or altered in the database gets nowhere. What the ledger adds is
// what only it can: rows no writer can change or remove afterwards, the login that posted
// each (session_user, not what the client claims), and a plan id that is the SHA-256 of the
// text posted with it, so a listing never names a plan other than the one an approver reads.

export const name = '0004-approval-requests';

export const sql = `
CREATE TABLE handrail.approval_requests (
  request_id TEXT PRIMARY KEY CHECK (request_id ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'),
  plan_id TEXT NOT NULL CHECK (plan_id ~ '^[0-9a-f]{64}$'),
  plan_text TEXT NOT NULL CHECK (octet_length(plan_text) <= 4194304),
  runbook TEXT NOT NULL,
  environment TEXT NOT NULL,
  operator TEXT NOT NULL,
  machine TEXT NOT NULL,
  note TEXT,
  requested_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  db_role TEXT NOT NULL DEFAULT session_user,
  CHECK (plan_id = encode(sha256(convert_to(plan_text, 'UTF8')), 'hex'))
);
CREATE INDEX approval_requests_newest ON handrail.approval_requests (requested_at DESC);

CREATE TABLE handrail.approval_signatures (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  request_id TEXT NOT NULL REFERENCES handrail.approval_requests (request_id),
  statement TEXT NOT NULL CHECK (octet_length(statement) <= 4096),
  signature TEXT NOT NULL CHECK (octet_length(signature) <= 65536),
  principal TEXT NOT NULL,
  key_fingerprint TEXT NOT NULL,
  approved_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  db_role TEXT NOT NULL DEFAULT session_user
);
CREATE INDEX approval_signatures_by_request ON handrail.approval_signatures (request_id, id);

-- db_role is who the ledger saw post the row: a client cannot name another login.
CREATE FUNCTION handrail.approval_rows_by_session_user() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN
  NEW.db_role := session_user;
  RETURN NEW;
END
$f$;
CREATE TRIGGER approval_requests_by_session_user BEFORE INSERT ON handrail.approval_requests
  FOR EACH ROW EXECUTE FUNCTION handrail.approval_rows_by_session_user();
CREATE TRIGGER approval_signatures_by_session_user BEFORE INSERT ON handrail.approval_signatures
  FOR EACH ROW EXECUTE FUNCTION handrail.approval_rows_by_session_user();
REVOKE ALL ON FUNCTION handrail.approval_rows_by_session_user() FROM PUBLIC;

DO $guards$
DECLARE
  t TEXT;
BEGIN
  FOREACH t IN ARRAY ARRAY['approval_requests', 'approval_signatures'] LOOP
    EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE OR DELETE ON handrail.%I FOR EACH ROW EXECUTE FUNCTION handrail.refuse_change()', t || '_no_change', t);
    EXECUTE format('CREATE TRIGGER %I BEFORE TRUNCATE ON handrail.%I FOR EACH STATEMENT EXECUTE FUNCTION handrail.refuse_change()', t || '_no_truncate', t);
  END LOOP;
END
$guards$;

REVOKE ALL ON handrail.approval_requests, handrail.approval_signatures FROM PUBLIC;
GRANT SELECT, INSERT ON handrail.approval_requests, handrail.approval_signatures TO handrail_writer;
GRANT SELECT ON handrail.approval_requests, handrail.approval_signatures TO handrail_reader;
GRANT USAGE ON SEQUENCE handrail.approval_signatures_id_seq TO handrail_writer;
`;
