-- The Trash as a filter of the Activity stream (issue 14), and session counts without the Trash.
-- PostgreSQL 15 syntax.

-- `GET /api/v1/activities?trash=true` reads the Trash in any of the stream's orders, with its
-- filters and search (stream-repo.ts, trashPlanFor). The stream's own indexes would walk the live
-- rows to find the few trashed ones among them, so each order gets a partial index holding only
-- trashed rows: a thin slice (at most 30 days of deletions) that a page walks in order. The order
-- by trash time already has one (019's activities_trash_idx). Live rows never enter these, so the
-- stream's writes do not pay for them.
CREATE INDEX activities_trash_updated_idx ON activities (account_id, updated_at DESC, id DESC) WHERE trashed_at IS NOT NULL;
CREATE INDEX activities_trash_created_idx ON activities (account_id, created_at, id) WHERE trashed_at IS NOT NULL;
CREATE INDEX activities_trash_start_idx ON activities (account_id, start_at, id) WHERE trashed_at IS NOT NULL;

-- A session in the Trash no longer counts on its package's row (migration 006's summary); restoring
-- it counts it again (src/store/packages-repo.ts). Packages with a session in the Trash already are
-- summed again here.
UPDATE activities AS p
SET session_count = s.n, sessions_first_start = s.first_start, sessions_last_start = s.last_start
FROM (
  SELECT r.account_id, r.from_id AS package_id,
         count(a.start_at) FILTER (WHERE a.status NOT IN ('Canceled', 'Expired') AND a.trashed_at IS NULL)::integer AS n,
         min(a.start_at) FILTER (WHERE a.status NOT IN ('Canceled', 'Expired') AND a.trashed_at IS NULL) AS first_start,
         max(a.start_at) FILTER (WHERE a.status NOT IN ('Canceled', 'Expired') AND a.trashed_at IS NULL) AS last_start
  FROM activity_relations AS r
  JOIN activities AS a ON a.id = r.to_id
  WHERE r.kind = 'package_session'
    AND r.from_id IN (
      SELECT r2.from_id FROM activity_relations AS r2 JOIN activities AS t ON t.id = r2.to_id
      WHERE r2.kind = 'package_session' AND t.trashed_at IS NOT NULL)
  GROUP BY r.account_id, r.from_id
) AS s
WHERE p.account_id = s.account_id AND p.id = s.package_id AND p.type = 'package';
