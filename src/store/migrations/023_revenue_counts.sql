-- The revenue report's money, kept as it changes (issue 15), the way 022 keeps the summary's
-- counts: settled payments and refunds (status Paid or Refunded, with a currency) per hour (UTC) of
-- their creation, currency, status and Trash, with their number and amount. "Revenue by month" sums
-- at most hours × 3 currencies × 2 statuses rows instead of reading every transaction.
--
-- Exact under concurrent changes the same way: the change's own transaction appends -1 / +1 rows
-- to report_revenue_deltas, the fold job moves them into report_revenue_counts, and a read takes
-- both in one statement.
CREATE TABLE report_revenue_counts (
  account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  hour timestamptz NOT NULL,
  currency text NOT NULL,
  status text NOT NULL CHECK (status IN ('Paid', 'Refunded')),
  in_trash boolean NOT NULL,
  n bigint NOT NULL,
  minor bigint NOT NULL
);
CREATE UNIQUE INDEX report_revenue_counts_key ON report_revenue_counts (account_id, hour, currency, status, in_trash);

-- No foreign key, as for the booking deltas: a deleted account's deltas are dropped when folded.
CREATE TABLE report_revenue_deltas (
  id bigserial PRIMARY KEY,
  account_id uuid NOT NULL,
  hour timestamptz NOT NULL,
  currency text NOT NULL,
  status text NOT NULL,
  in_trash boolean NOT NULL,
  n integer NOT NULL,
  minor bigint NOT NULL
);
CREATE INDEX report_revenue_deltas_account_idx ON report_revenue_deltas (account_id);

-- One trigger function for both kept counts, so a change to an activity calls one function: the
-- booking part is 022's, unchanged; the transaction part appends the money rows.
CREATE FUNCTION report_counts_delta() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  old_counts boolean := TG_OP <> 'INSERT' AND OLD.type = 'booking';
  new_counts boolean := TG_OP <> 'DELETE' AND NEW.type = 'booking';
  old_money boolean := TG_OP <> 'INSERT' AND OLD.type = 'transaction' AND OLD.status IN ('Paid', 'Refunded') AND OLD.currency IS NOT NULL;
  new_money boolean := TG_OP <> 'DELETE' AND NEW.type = 'transaction' AND NEW.status IN ('Paid', 'Refunded') AND NEW.currency IS NOT NULL;
BEGIN
  IF old_money OR new_money THEN
    -- Only what the money keys on: a refund's bookkeeping on a payment (refundable amount) changes none of it.
    IF NOT (old_money AND new_money
       AND OLD.account_id = NEW.account_id
       AND OLD.created_at = NEW.created_at
       AND OLD.currency = NEW.currency
       AND OLD.status = NEW.status
       AND OLD.amount_minor IS NOT DISTINCT FROM NEW.amount_minor
       AND (OLD.trashed_at IS NULL) = (NEW.trashed_at IS NULL)) THEN
      IF old_money THEN
        INSERT INTO report_revenue_deltas (account_id, hour, currency, status, in_trash, n, minor) VALUES
          (OLD.account_id, date_bin('1 hour', OLD.created_at, timestamptz '2000-01-01 00:00:00+00'), OLD.currency, OLD.status,
            OLD.trashed_at IS NOT NULL, -1, -coalesce(OLD.amount_minor, 0));
      END IF;
      IF new_money THEN
        INSERT INTO report_revenue_deltas (account_id, hour, currency, status, in_trash, n, minor) VALUES
          (NEW.account_id, date_bin('1 hour', NEW.created_at, timestamptz '2000-01-01 00:00:00+00'), NEW.currency, NEW.status,
            NEW.trashed_at IS NOT NULL, 1, coalesce(NEW.amount_minor, 0));
      END IF;
    END IF;
  END IF;

  IF NOT (old_counts OR new_counts) THEN
    RETURN NULL;
  END IF;
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

DROP TRIGGER activities_report_counts ON activities;
DROP FUNCTION report_booking_delta();
CREATE TRIGGER activities_report_counts AFTER INSERT OR UPDATE OR DELETE ON activities
  FOR EACH ROW EXECUTE FUNCTION report_counts_delta();

-- The money already there.
INSERT INTO report_revenue_counts (account_id, hour, currency, status, in_trash, n, minor)
SELECT account_id, date_bin('1 hour', created_at, timestamptz '2000-01-01 00:00:00+00'), currency, status, trashed_at IS NOT NULL,
  count(*), coalesce(sum(amount_minor), 0)
FROM activities
WHERE type = 'transaction' AND status IN ('Paid', 'Refunded') AND currency IS NOT NULL
GROUP BY 1, 2, 3, 4, 5;

ANALYZE report_revenue_counts;
