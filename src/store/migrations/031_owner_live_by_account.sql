-- The live-bookings-by-host index leads with the account (issue 16, the write path at scale).
--
-- Every reader of activities_owner_live_idx also names the account (busy time for the slots and
-- for each booking's check, live-booking counts per host). Without account_id in the index, the
-- planner weighs it against the account-leading stream indexes by its estimate of the account's
-- rows. For an account the statistics have not seen yet — a new one beside a large one: at
-- 15,000,000 activities ANALYZE's sample holds one account, and any other is estimated at one row
-- — it took `activities_type_idx` (account, type) and read every booking of the account for each
-- busy-time check, so booking slowed as the account grew (bench/write-path.ts into a new account at
-- 15M: 189–199 bookings/s before, 224–254 after). With the account first, the host and the time
-- are index conditions of this index alone, whatever the estimate.
--
-- Partial like before (live bookings only), so it costs a cancel or any other change that ends a
-- booking nothing, and a new booking one entry as before.
DROP INDEX activities_owner_live_idx;
CREATE INDEX activities_owner_live_idx ON activities (account_id, owner_id, start_at)
  WHERE type = 'booking' AND status IN ('Scheduled', 'Rescheduled');
