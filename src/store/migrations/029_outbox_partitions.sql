-- The outbox partitioned by month (issue 16), so that retention drops a month of delivered events
-- whole instead of deleting them row by row, and the outbox does not grow without bound however
-- busy the installation is:
--   outbox_events        by month of `created_at`
--   outbox_deliveries    by month of their event's time (`event_at`), beside their event
--   webhook_deliveries   by month of their event's time (`event_at`), beside their event
-- A partitioned table's keys must hold its partition column, so the deliveries carry their event's
-- time and reference the event by (id, account_id, created_at).
--
-- Like activity history (migration 026), each has a DEFAULT partition for times no partition covers
-- yet. On PostgreSQL the workers create this month's and the next two months' partitions when they
-- start and housekeeping keeps them ahead (ensure_time_partitions), never one whose range already
-- has rows in the default partition; the embedded database keeps the default partition alone.
-- Housekeeping drops a month whole once it ended more than the retention ago with nothing pending
-- (partitions-repo.ts); the rest (the default partition, a month still waiting on a delivery) is
-- pruned row by row as before.
--
-- Migration 026 left the outbox whole because, over monthly partitions, the claims sorted every
-- due delivery instead of reading each partition's index in order; the claims now turn sorting off
-- for their statement (outbox-repo.ts, webhooks-repo.ts), which makes the planner merge the
-- partitions' ordered index scans.

ALTER INDEX outbox_events_pkey RENAME TO outbox_events_old_pkey;
ALTER INDEX outbox_events_activity_idx RENAME TO outbox_events_old_activity_idx;
ALTER TABLE outbox_events RENAME TO outbox_events_old;
ALTER INDEX outbox_deliveries_pkey RENAME TO outbox_deliveries_old_pkey;
ALTER INDEX outbox_deliveries_account_idx RENAME TO outbox_deliveries_old_account_idx;
ALTER INDEX outbox_deliveries_activity_idx RENAME TO outbox_deliveries_old_activity_idx;
ALTER INDEX outbox_deliveries_by_activity_idx RENAME TO outbox_deliveries_old_by_activity_idx;
ALTER INDEX outbox_deliveries_event_idx RENAME TO outbox_deliveries_old_event_idx;
ALTER INDEX outbox_deliveries_pending_idx RENAME TO outbox_deliveries_old_pending_idx;
ALTER TABLE outbox_deliveries RENAME TO outbox_deliveries_old;
ALTER INDEX webhook_deliveries_pkey RENAME TO webhook_deliveries_old_pkey;
ALTER INDEX webhook_deliveries_account_idx RENAME TO webhook_deliveries_old_account_idx;
ALTER INDEX webhook_deliveries_activity_idx RENAME TO webhook_deliveries_old_activity_idx;
ALTER INDEX webhook_deliveries_due_idx RENAME TO webhook_deliveries_old_due_idx;
ALTER INDEX webhook_deliveries_event_idx RENAME TO webhook_deliveries_old_event_idx;
ALTER INDEX webhook_deliveries_order_idx RENAME TO webhook_deliveries_old_order_idx;
ALTER TABLE webhook_deliveries RENAME TO webhook_deliveries_old;

CREATE TABLE outbox_events (
  id bigint NOT NULL DEFAULT nextval('outbox_events_id_seq'),
  account_id uuid NOT NULL CONSTRAINT outbox_events_account_id_fkey REFERENCES accounts(id) ON DELETE CASCADE,
  activity_id text,
  type text NOT NULL,
  payload jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT outbox_events_pkey PRIMARY KEY (id, account_id, created_at)
) PARTITION BY RANGE (created_at);
CREATE TABLE outbox_events_default PARTITION OF outbox_events DEFAULT;

CREATE TABLE outbox_deliveries (
  consumer text NOT NULL CONSTRAINT outbox_deliveries_consumer_fkey REFERENCES outbox_consumers(name) ON DELETE CASCADE,
  event_id bigint NOT NULL,
  account_id uuid NOT NULL,
  activity_id text,
  status text NOT NULL DEFAULT 'pending' CONSTRAINT outbox_deliveries_status_check CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_error text,
  delivered_at timestamptz,
  lease_token uuid,
  last_attempt_at timestamptz,
  event_at timestamptz NOT NULL,
  CONSTRAINT outbox_deliveries_pkey PRIMARY KEY (consumer, event_id, account_id, event_at),
  CONSTRAINT outbox_deliveries_event_id_fkey FOREIGN KEY (event_id, account_id, event_at) REFERENCES outbox_events(id, account_id, created_at) ON DELETE CASCADE
) PARTITION BY RANGE (event_at);
CREATE TABLE outbox_deliveries_default PARTITION OF outbox_deliveries DEFAULT;

CREATE TABLE webhook_deliveries (
  endpoint_id uuid NOT NULL,
  event_id bigint NOT NULL,
  account_id uuid NOT NULL,
  activity_id text,
  status text NOT NULL DEFAULT 'pending' CONSTRAINT webhook_deliveries_status_check CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL,
  lease_token uuid,
  last_attempt_at timestamptz,
  -- The receiver's HTTP status of the last attempt (null: no answer — timeout, refused …).
  last_status integer,
  last_error text,
  delivered_at timestamptz,
  created_at timestamptz NOT NULL,
  event_at timestamptz NOT NULL,
  CONSTRAINT webhook_deliveries_pkey PRIMARY KEY (endpoint_id, event_id, account_id, event_at),
  CONSTRAINT webhook_deliveries_endpoint_id_fkey FOREIGN KEY (endpoint_id, account_id) REFERENCES webhook_endpoints(id, account_id) ON DELETE CASCADE,
  CONSTRAINT webhook_deliveries_event_id_fkey FOREIGN KEY (event_id, account_id, event_at) REFERENCES outbox_events(id, account_id, created_at) ON DELETE CASCADE
) PARTITION BY RANGE (event_at);
CREATE TABLE webhook_deliveries_default PARTITION OF webhook_deliveries DEFAULT;

-- The months the outbox already holds get their partitions (up to this month), so its rows leave
-- the default partition and retention can drop them a month at a time.
SELECT ensure_time_partitions(t, 'month', lo, now())
  FROM (SELECT min(created_at) AS lo FROM outbox_events_old) AS span
  CROSS JOIN unnest(ARRAY['outbox_events', 'outbox_deliveries', 'webhook_deliveries']) AS t
 WHERE span.lo IS NOT NULL;

INSERT INTO outbox_events (id, account_id, activity_id, type, payload, created_at)
  SELECT id, account_id, activity_id, type, payload, created_at FROM outbox_events_old;
INSERT INTO outbox_deliveries (consumer, event_id, account_id, activity_id, status, attempts, next_attempt_at, last_error, delivered_at, lease_token, last_attempt_at, event_at)
  SELECT d.consumer, d.event_id, d.account_id, d.activity_id, d.status, d.attempts, d.next_attempt_at, d.last_error, d.delivered_at, d.lease_token, d.last_attempt_at, e.created_at
    FROM outbox_deliveries_old d JOIN outbox_events_old e ON e.id = d.event_id AND e.account_id = d.account_id;
INSERT INTO webhook_deliveries (endpoint_id, event_id, account_id, activity_id, status, attempts, next_attempt_at, lease_token, last_attempt_at, last_status, last_error, delivered_at, created_at, event_at)
  SELECT d.endpoint_id, d.event_id, d.account_id, d.activity_id, d.status, d.attempts, d.next_attempt_at, d.lease_token, d.last_attempt_at, d.last_status, d.last_error, d.delivered_at, d.created_at, e.created_at
    FROM webhook_deliveries_old d JOIN outbox_events_old e ON e.id = d.event_id AND e.account_id = d.account_id;

CREATE INDEX outbox_events_activity_idx ON outbox_events (account_id, activity_id) WHERE activity_id IS NOT NULL;
CREATE INDEX outbox_deliveries_pending_idx ON outbox_deliveries (consumer, event_id) WHERE status = 'pending';
CREATE INDEX outbox_deliveries_activity_idx ON outbox_deliveries (consumer, activity_id, event_id) WHERE status = 'pending';
CREATE INDEX outbox_deliveries_account_idx ON outbox_deliveries (account_id, event_id DESC);
CREATE INDEX outbox_deliveries_by_activity_idx ON outbox_deliveries (account_id, activity_id);
CREATE INDEX outbox_deliveries_event_idx ON outbox_deliveries (event_id);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at, event_id) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_order_idx ON webhook_deliveries (endpoint_id, activity_id, event_id) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_account_idx ON webhook_deliveries (account_id, event_id DESC);
CREATE INDEX webhook_deliveries_activity_idx ON webhook_deliveries (account_id, activity_id);
CREATE INDEX webhook_deliveries_event_idx ON webhook_deliveries (event_id);

-- The sequence now belongs to the new table (dropping the old one would otherwise drop it).
ALTER SEQUENCE outbox_events_id_seq OWNED BY outbox_events.id;
DROP TABLE webhook_deliveries_old, outbox_deliveries_old, outbox_events_old;
