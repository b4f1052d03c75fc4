-- The 30-day purge's work list read in keyset order: each round starts after the last activity
-- the previous round took, by (trashed_at, id), instead of walking again over the index entries
-- of what the run has already deleted (not vacuumed yet), which made each 10,000-row round slower
-- than the last and, on the embedded database, held every request up for hundreds of milliseconds.
CREATE INDEX activities_trash_due_key_idx ON activities (trashed_at, id) WHERE trashed_at IS NOT NULL;
DROP INDEX activities_trash_due_idx;
