-- Consumers that call peers (mail, calendars, webhook receivers) deliver outside any database
-- transaction: a slow or dead peer must never hold a connection or a lock. A claimed delivery is
-- leased to one worker (lease_token, until next_attempt_at); only the holder of the lease may
-- record its outcome, so a worker whose lease ran out cannot mark another's retry.
ALTER TABLE outbox_deliveries ADD COLUMN lease_token uuid;
ALTER TABLE outbox_deliveries ADD COLUMN last_attempt_at timestamptz;
