-- Scheduling (issue 3): booking page settings, team hosts, user weekly hours and date overrides,
-- master pages, request holds, and the database's own guarantee against double booking.
-- PostgreSQL 15 syntax; PGlite loads btree_gist as an extension (see pglite-pool.ts).

CREATE EXTENSION IF NOT EXISTS btree_gist;

-- Booking page settings. Defaults keep pages made before this migration behaving as they did.
ALTER TABLE booking_pages
  ADD COLUMN min_notice_minutes integer NOT NULL DEFAULT 0 CHECK (min_notice_minutes BETWEEN 0 AND 525600),
  -- NULL: no limit on how far ahead a customer may book.
  ADD COLUMN max_days_ahead integer CHECK (max_days_ahead BETWEEN 1 AND 730),
  ADD COLUMN buffer_before_minutes integer NOT NULL DEFAULT 0 CHECK (buffer_before_minutes BETWEEN 0 AND 720),
  ADD COLUMN buffer_after_minutes integer NOT NULL DEFAULT 0 CHECK (buffer_after_minutes BETWEEN 0 AND 720),
  -- NULL: slots start every meeting length.
  ADD COLUMN slot_interval_minutes integer CHECK (slot_interval_minutes BETWEEN 5 AND 720),
  -- Booking with approval: how many times the customer must propose.
  ADD COLUMN proposals_required integer NOT NULL DEFAULT 1 CHECK (proposals_required BETWEEN 1 AND 10),
  -- Whether a pending request keeps its proposed times from other customers.
  ADD COLUMN holds_requested_slots boolean NOT NULL DEFAULT false,
  -- The customer's cancel/reschedule policy: NULL = anytime, else up to this many minutes before.
  ADD COLUMN policy_minutes integer CHECK (policy_minutes BETWEEN 15 AND 20160),
  ADD COLUMN packages_enabled boolean NOT NULL DEFAULT false,
  ADD COLUMN max_package_sessions integer NOT NULL DEFAULT 20 CHECK (max_package_sessions BETWEEN 1 AND 20),
  -- [{"id":"topic","label":"What would you like to discuss?","required":true}]
  ADD COLUMN questions jsonb NOT NULL DEFAULT '[]'::jsonb,
  ADD COLUMN video_link text;

-- A team page: the users who may host its meetings. No rows: the page's owner hosts.
CREATE TABLE booking_page_hosts (
  account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  booking_page_id uuid NOT NULL REFERENCES booking_pages(id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  position integer NOT NULL,
  PRIMARY KEY (booking_page_id, user_id)
);
CREATE INDEX booking_page_hosts_user_idx ON booking_page_hosts (user_id);

-- Weekly hours per user, in the user's time zone (users.time_zone): {"mon":[["09:00","17:00"]], …}.
-- A user with no row is available in the booking page's open hours (the core's simple rule).
CREATE TABLE user_weekly_hours (
  user_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  hours jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- One local date of one user: replaces that day's weekly hours ([] = a day off).
CREATE TABLE user_date_overrides (
  account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  day date NOT NULL,
  ranges jsonb NOT NULL,
  PRIMARY KEY (user_id, day)
);

-- Master pages route a customer to one of several booking pages or team members.
CREATE TABLE master_pages (
  id uuid PRIMARY KEY,
  account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  slug text NOT NULL,
  name text NOT NULL,
  routing text NOT NULL CHECK (routing IN ('round_robin', 'customer_choice')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX master_pages_slug_key ON master_pages (lower(slug));
CREATE INDEX master_pages_account_idx ON master_pages (account_id);

-- A target: a booking page, hosted by its usual host(s) or pinned to one team member (user_id).
CREATE TABLE master_page_targets (
  id uuid PRIMARY KEY,
  account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  master_page_id uuid NOT NULL REFERENCES master_pages(id) ON DELETE CASCADE,
  booking_page_id uuid NOT NULL REFERENCES booking_pages(id) ON DELETE CASCADE,
  user_id uuid REFERENCES users(id) ON DELETE CASCADE,
  position integer NOT NULL
);
CREATE INDEX master_page_targets_page_idx ON master_page_targets (master_page_id, position);

-- The time a booking takes from its host's calendar: the meeting widened by its page's buffers.
-- Kept by a trigger, so every write path (whoever sets start_at/end_at) keeps it right.
ALTER TABLE activities ADD COLUMN blocked tstzrange;

CREATE FUNCTION activities_set_blocked() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  before_m integer := 0;
  after_m integer := 0;
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.start_at IS NOT DISTINCT FROM OLD.start_at AND NEW.end_at IS NOT DISTINCT FROM OLD.end_at
     AND NEW.booking_page_id IS NOT DISTINCT FROM OLD.booking_page_id THEN
    RETURN NEW;
  END IF;
  IF NEW.start_at IS NULL OR NEW.end_at IS NULL THEN
    NEW.blocked := NULL;
    RETURN NEW;
  END IF;
  IF NEW.booking_page_id IS NOT NULL THEN
    SELECT buffer_before_minutes, buffer_after_minutes INTO before_m, after_m FROM booking_pages WHERE id = NEW.booking_page_id;
  END IF;
  NEW.blocked := tstzrange(NEW.start_at - make_interval(mins => coalesce(before_m, 0)),
                           NEW.end_at + make_interval(mins => coalesce(after_m, 0)), '[)');
  RETURN NEW;
END $$;
CREATE TRIGGER activities_blocked BEFORE INSERT OR UPDATE ON activities
  FOR EACH ROW EXECUTE FUNCTION activities_set_blocked();
UPDATE activities SET blocked = tstzrange(start_at, end_at, '[)') WHERE start_at IS NOT NULL AND end_at IS NOT NULL;

-- No double booking, whatever the load and however many server processes: a host's live
-- bookings never overlap (buffers included). Violations raise SQLSTATE 23P01.
ALTER TABLE activities ADD CONSTRAINT activities_no_double_booking
  EXCLUDE USING gist (owner_id WITH =, blocked WITH &&)
  WHERE (type = 'booking' AND status IN ('Scheduled', 'Rescheduled') AND blocked IS NOT NULL);

-- A pending request's proposed times, held from other customers when its page says so.
-- Holds never overlap each other for one host (other than the same request's own proposals);
-- bookings and holds are kept apart under the per-host advisory lock (booking-rules.ts).
CREATE TABLE booking_holds (
  id bigserial PRIMARY KEY,
  account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  activity_id text NOT NULL REFERENCES activities(id) ON DELETE CASCADE,
  owner_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  blocked tstzrange NOT NULL,
  CONSTRAINT booking_holds_no_overlap EXCLUDE USING gist (owner_id WITH =, blocked WITH &&, activity_id WITH <>)
);
CREATE INDEX booking_holds_activity_idx ON booking_holds (activity_id);

-- Busy-time and round-robin reads: a host's live bookings by time.
CREATE INDEX activities_owner_live_idx ON activities (owner_id, start_at) WHERE type = 'booking' AND status IN ('Scheduled', 'Rescheduled');
