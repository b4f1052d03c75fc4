-- The stream's sort orders (last updated, meeting time, created) and package rows' session dates.
-- PostgreSQL 15 syntax.

-- Sorted by meeting time or by creation, a page is a range scan of one of these, forwards or
-- backwards, with the (time, id) cursor as its bound (stream-repo.ts). They replace the covering
-- indexes of 003, which they extend (id moves from INCLUDE into the key, which orders ties): the
-- date-range pages of the "last updated" order still read (id, updated_at) from them alone.
CREATE INDEX activities_start_sort_idx ON activities (account_id, start_at, id) INCLUDE (updated_at);
CREATE INDEX activities_created_sort_idx ON activities (account_id, created_at, id) INCLUDE (updated_at);
DROP INDEX activities_start_covering_idx;
DROP INDEX activities_created_covering_idx;
-- The status filter is the one most used with these orders ("Booking requests" by meeting time,
-- the completed bookings newest first): with one status it is the range a page scans. Without
-- these, a status whose rows sit at the far end of the order (no completed booking among the
-- newest; no request with a meeting time at all) is found by collecting and sorting every row of
-- that status: 0.3–1 s at a million activities instead of ~1 ms.
CREATE INDEX activities_status_start_idx ON activities (account_id, status, start_at, id);
CREATE INDEX activities_status_created_idx ON activities (account_id, status, created_at, id);

-- A session package's sessions, summed up on the package's own row so a stream page shows
-- "3 sessions · 4 Mar – 18 Mar" without reading the sessions: how many are held or still to come
-- (canceled and expired ones are not), and the first and the last of their starts. Kept current by
-- the package writes (src/app/package-writes.ts); null on other activities.
ALTER TABLE activities
  ADD COLUMN session_count integer,
  ADD COLUMN sessions_first_start timestamptz,
  ADD COLUMN sessions_last_start timestamptz;

UPDATE activities AS p
SET session_count = s.n, sessions_first_start = s.first_start, sessions_last_start = s.last_start
FROM (
  SELECT r.from_id AS package_id,
         count(a.start_at) FILTER (WHERE a.status NOT IN ('Canceled', 'Expired'))::integer AS n,
         min(a.start_at) FILTER (WHERE a.status NOT IN ('Canceled', 'Expired')) AS first_start,
         max(a.start_at) FILTER (WHERE a.status NOT IN ('Canceled', 'Expired')) AS last_start
  FROM activity_relations AS r
  JOIN activities AS a ON a.id = r.to_id
  WHERE r.kind = 'package_session'
  GROUP BY r.from_id
) AS s
WHERE p.id = s.package_id AND p.type = 'package';
