-- Fleets: a tracked scope is claimed by one watcher at a time until its lease
-- ends (a dead watcher's scopes are taken over when theirs run out).
ALTER TABLE tracked ADD COLUMN leased_by TEXT;
ALTER TABLE tracked ADD COLUMN lease_until TEXT;
