-- Stream performance (the 1,000,000-activity benchmark, bench/run.ts). PostgreSQL 15 syntax.

-- The event-type filter gets the index every other stream filter has (001), so its first page is
-- an index range scan in stream order instead of a walk of the whole stream.
CREATE INDEX activities_event_type_idx ON activities (account_id, event_type_id, updated_at DESC, id DESC);

-- A page filtered by a meeting-start or creation date range whose matches are rare among the
-- newest rows is found by collecting the matches' IDs through the range's index and sorting them
-- by (updated_at, id) (stream-repo.ts, pageOfRareMatches). With updated_at and id in the index that
-- is an index-only scan: a 30-day range a year back (~70,000 rows) takes 10–20 ms instead of ~70,000
-- heap fetches (~70 ms). These replace the two indexes of 001 that they extend: every query those
-- served, these serve too.
CREATE INDEX activities_start_covering_idx ON activities (account_id, start_at) INCLUDE (updated_at, id);
CREATE INDEX activities_created_covering_idx ON activities (account_id, created_at) INCLUDE (updated_at, id);
DROP INDEX activities_start_idx;
DROP INDEX activities_created_idx;
