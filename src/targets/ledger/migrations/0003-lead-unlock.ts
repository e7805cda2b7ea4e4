// Never edit this file once released (see 0001-ledger.ts): change the ledger with a new migration.
//
// Who may release a team lock. A lock keeps two machines from changing one database at once;
// if any operator could release any machine's lock, one who is refused could release the
// holder's lock and go on, and the whole guard would rest on a note. So the ledger itself
// decides, whatever client sends the row: a release is taken from the login that took the
// lock, for the machine that holds it (a run letting go at its end, or its own operator after
// it crashed), or from a member of handrail_lead. The ledger knows logins, not machines: a
// machine id in a row is only what the client claims, so the check is on session_user.
// SQLSTATE HR012; the trigger is named to run after lock_events_one_holder (PostgreSQL fires
// a table's triggers by name), which has already refused a release of a lock not held.

export const name = '0003-lead-unlock';

export const sql = `
DO $roles$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'handrail_lead') THEN
    CREATE ROLE handrail_lead NOLOGIN;
  END IF;
END
$roles$;

CREATE FUNCTION handrail.lock_events_release_by_holder_or_lead() RETURNS trigger LANGUAGE plpgsql AS $f$
DECLARE
  taken RECORD;
BEGIN
  IF NEW.action <> 'release' THEN RETURN NEW; END IF;
  SELECT machine_id, hostname, operator, run_id, activity, at, db_role INTO taken
    FROM handrail.lock_events WHERE lock_id = NEW.lock_id AND action = 'acquire';
  IF NOT FOUND THEN RETURN NEW; END IF;
  IF pg_has_role(session_user, 'handrail_lead', 'MEMBER') THEN RETURN NEW; END IF;
  IF taken.db_role = session_user AND taken.machine_id = NEW.machine_id THEN RETURN NEW; END IF;
  RAISE EXCEPTION USING ERRCODE = 'HR012',
    MESSAGE = format('lock %s on %s is held by %s of %s on machine %s (%s) since %s, taken with login %s; login %s is not a member of handrail_lead, so it may not release it; nothing was released',
      NEW.lock_id, NEW.lock_key, taken.activity, taken.operator, taken.hostname, taken.machine_id, taken.at, taken.db_role, session_user),
    HINT = format('a lead (a login in role handrail_lead) releases it, or the holder''s machine does; to make %s a lead: GRANT handrail_lead TO %s;', session_user, session_user);
END
$f$;
CREATE TRIGGER lock_events_release_by_holder_or_lead BEFORE INSERT ON handrail.lock_events
  FOR EACH ROW EXECUTE FUNCTION handrail.lock_events_release_by_holder_or_lead();
REVOKE ALL ON FUNCTION handrail.lock_events_release_by_holder_or_lead() FROM PUBLIC;
`;
