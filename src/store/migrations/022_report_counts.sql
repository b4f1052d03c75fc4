-- The summary report's counts, kept as they change (issue 15): bookings per hour (UTC) of their
-- creation and of their meeting, detailed status, the three facts the rates need, and whether they
-- are in the Trash. A month, week or day in any zone whose offsets are whole hours is a range of
-- these hours, so "every booking by month × status" sums a few hundred thousand rows at most
-- instead of reading every booking.
--
-- Exact under concurrent changes without a hot row: every change appends its -1 / +1 to
-- report_booking_deltas (a trigger, in the change's own transaction; appends never wait on each
-- other), and a job folds the deltas into report_booking_counts from time to time. A report reads
-- both in one statement, so it sees each change exactly once whether it is folded yet or not.
CREATE TABLE report_booking_counts (
  account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  basis text NOT NULL CHECK (basis IN ('created', 'meeting')),
  -- The hour (UTC) the booking was created, or its meeting starts; null: no meeting time.
  hour timestamptz,
  detailed_status text NOT NULL,
  was_request boolean NOT NULL,
  approved boolean NOT NULL,
  rescheduled boolean NOT NULL,
  in_trash boolean NOT NULL,
  n bigint NOT NULL
);
CREATE UNIQUE INDEX report_booking_counts_key ON report_booking_counts
  (account_id, basis, hour, detailed_status, was_request, approved, rescheduled, in_trash) NULLS NOT DISTINCT;

-- No foreign key: a deleted account's deltas (its activities go by cascade) are dropped when folded.
CREATE TABLE report_booking_deltas (
  id bigserial PRIMARY KEY,
  account_id uuid NOT NULL,
  basis text NOT NULL,
  hour timestamptz,
  detailed_status text NOT NULL,
  was_request boolean NOT NULL,
  approved boolean NOT NULL,
  rescheduled boolean NOT NULL,
  in_trash boolean NOT NULL,
  n integer NOT NULL
);
CREATE INDEX report_booking_deltas_account_idx ON report_booking_deltas (account_id, basis);

CREATE FUNCTION report_booking_delta() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  old_counts boolean := TG_OP <> 'INSERT' AND OLD.type = 'booking';
  new_counts boolean := TG_OP <> 'DELETE' AND NEW.type = 'booking';
BEGIN
  -- Only what the counts key on: most updates (a reassign, a reminder's bookkeeping) change none of it.
  IF old_counts AND new_counts
     AND OLD.account_id = NEW.account_id
     AND OLD.detailed_status = NEW.detailed_status
     AND OLD.created_at = NEW.created_at
     AND OLD.start_at IS NOT DISTINCT FROM NEW.start_at
     AND (OLD.proposed_times IS NULL) = (NEW.proposed_times IS NULL)
     AND (OLD.reschedules_id IS NULL) = (NEW.reschedules_id IS NULL)
     AND (OLD.trashed_at IS NULL) = (NEW.trashed_at IS NULL) THEN
    RETURN NULL;
  END IF;
  IF old_counts THEN
    INSERT INTO report_booking_deltas (account_id, basis, hour, detailed_status, was_request, approved, rescheduled, in_trash, n) VALUES
      (OLD.account_id, 'created', date_bin('1 hour', OLD.created_at, timestamptz '2000-01-01 00:00:00+00'), OLD.detailed_status,
        OLD.proposed_times IS NOT NULL, OLD.proposed_times IS NOT NULL AND OLD.start_at IS NOT NULL, OLD.reschedules_id IS NOT NULL, OLD.trashed_at IS NOT NULL, -1),
      (OLD.account_id, 'meeting', date_bin('1 hour', OLD.start_at, timestamptz '2000-01-01 00:00:00+00'), OLD.detailed_status,
        OLD.proposed_times IS NOT NULL, OLD.proposed_times IS NOT NULL AND OLD.start_at IS NOT NULL, OLD.reschedules_id IS NOT NULL, OLD.trashed_at IS NOT NULL, -1);
  END IF;
  IF new_counts THEN
    INSERT INTO report_booking_deltas (account_id, basis, hour, detailed_status, was_request, approved, rescheduled, in_trash, n) VALUES
      (NEW.account_id, 'created', date_bin('1 hour', NEW.created_at, timestamptz '2000-01-01 00:00:00+00'), NEW.detailed_status,
        NEW.proposed_times IS NOT NULL, NEW.proposed_times IS NOT NULL AND NEW.start_at IS NOT NULL, NEW.reschedules_id IS NOT NULL, NEW.trashed_at IS NOT NULL, 1),
      (NEW.account_id, 'meeting', date_bin('1 hour', NEW.start_at, timestamptz '2000-01-01 00:00:00+00'), NEW.detailed_status,
        NEW.proposed_times IS NOT NULL, NEW.proposed_times IS NOT NULL AND NEW.start_at IS NOT NULL, NEW.reschedules_id IS NOT NULL, NEW.trashed_at IS NOT NULL, 1);
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER activities_report_counts AFTER INSERT OR UPDATE OR DELETE ON activities
  FOR EACH ROW EXECUTE FUNCTION report_booking_delta();

-- The bookings already there.
INSERT INTO report_booking_counts (account_id, basis, hour, detailed_status, was_request, approved, rescheduled, in_trash, n)
SELECT account_id, b.basis, b.hour, detailed_status, proposed_times IS NOT NULL, proposed_times IS NOT NULL AND start_at IS NOT NULL,
  reschedules_id IS NOT NULL, trashed_at IS NOT NULL, count(*)
FROM activities
CROSS JOIN LATERAL (VALUES
  ('created', date_bin('1 hour', created_at, timestamptz '2000-01-01 00:00:00+00')),
  ('meeting', date_bin('1 hour', start_at, timestamptz '2000-01-01 00:00:00+00'))) AS b (basis, hour)
WHERE type = 'booking'
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;

-- Statistics now: with none, the planner takes the table for a few rows and sorts where it should hash.
ANALYZE report_booking_counts;
