-- The summary's counts rolled up by day (UTC) beside the hourly ones (migration 022), so a report
-- by month or week, or with no time at all, sums a day's row where it would sum up to 24 hours'.
-- At 15,000,000 activities the hourly table held 197,000 rows per basis and summing them was most
-- of the summary's time. A day that a bucket bound or the report's range cuts (a zone's midnight is
-- not UTC's) is read from the hourly rows instead, so every zone on whole hours stays exact.
--
-- The fold job writes both tables in the same statement from the same deltas, so a report reading
-- the days, the hours and the deltas in one statement sees each change exactly once. Workers of an
-- earlier version fold into the hours alone: stop them before this migration runs.
CREATE TABLE report_booking_days (
  account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  basis text NOT NULL CHECK (basis IN ('created', 'meeting')),
  -- The day (midnight UTC) the booking was created, or its meeting starts; null: no meeting time.
  day timestamptz,
  detailed_status text NOT NULL,
  was_request boolean NOT NULL,
  approved boolean NOT NULL,
  rescheduled boolean NOT NULL,
  in_trash boolean NOT NULL,
  n bigint NOT NULL
);
CREATE UNIQUE INDEX report_booking_days_key ON report_booking_days
  (account_id, basis, day, detailed_status, was_request, approved, rescheduled, in_trash) NULLS NOT DISTINCT;

-- The counts already there (the deltas not folded yet are folded into both later).
INSERT INTO report_booking_days (account_id, basis, day, detailed_status, was_request, approved, rescheduled, in_trash, n)
SELECT account_id, basis, date_bin('1 day', hour, timestamptz '2000-01-01 00:00:00+00'), detailed_status, was_request, approved,
  rescheduled, in_trash, sum(n)
FROM report_booking_counts
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;

ANALYZE report_booking_days;
