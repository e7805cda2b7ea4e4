-- Speeds up per-pilot queries (reset-pilot, the pilot dashboard). Additive: safe to apply
-- before the code that uses it, and harmless to leave in place on a rollback.
CREATE INDEX events_pilot_created_at ON events (pilot, created_at);
