-- Activity history, outbox events and their deliveries partitioned by time (issue 16), so that
-- retention drops a whole month of delivered events instead of deleting rows one by one, and
-- history can be archived a year at a time. Partitions:
--   activity_history        by year of `at`              (kept: it is the activities' own record)
--   outbox_events           by month of `created_at`     (dropped OUTBOX_RETENTION_DAYS after, once delivered)
--   outbox_deliveries       by month of their event's time (`event_at`), with their event
--   webhook_deliveries      by month of their event's time (`event_at`), with their event
-- Each has a DEFAULT partition for times no partition covers yet (a clock far ahead, a server
-- down for months). Housekeeping creates the coming partitions ahead of time
-- (ensure_time_partitions) and never one whose range already has rows in the default partition
-- (those stay there, pruned row by row like before).
--
-- A partitioned table's keys must hold its partition column, so the deliveries carry their
-- event's time and reference the event by (id, account_id, created_at).

CREATE FUNCTION ensure_time_partitions(parent text, unit text, from_at timestamptz, to_at timestamptz) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  -- Bounds are computed in UTC, whatever the session's time zone.
  lo timestamp := date_trunc(unit, from_at AT TIME ZONE 'UTC');
  hi timestamp;
  part text;
  col text;
  busy boolean;
  made integer := 0;
BEGIN
  IF unit NOT IN ('month', 'year') THEN RAISE EXCEPTION 'ensure_time_partitions: unit must be month or year, not %', unit; END IF;
  -- Two processes' housekeeping at once: one creates, the other then finds the partitions there.
  PERFORM pg_advisory_xact_lock(hashtext('ensure_time_partitions ' || parent));
  SELECT a.attname INTO STRICT col
    FROM pg_partitioned_table pt JOIN pg_attribute a ON a.attrelid = pt.partrelid AND a.attnum = pt.partattrs[0]
   WHERE pt.partrelid = parent::regclass;
  WHILE lo <= to_at AT TIME ZONE 'UTC' LOOP
    hi := lo + ('1 ' || unit)::interval;
    part := parent || '_' || to_char(lo, CASE unit WHEN 'year' THEN 'YYYY' ELSE 'YYYY_MM' END);
    IF to_regclass(part) IS NULL THEN
      EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I WHERE %I >= $1 AND %I < $2)', parent || '_default', col, col)
        INTO busy USING lo AT TIME ZONE 'UTC', hi AT TIME ZONE 'UTC';
      IF NOT busy THEN
        EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)', part, parent,
          to_char(lo, 'YYYY-MM-DD HH24:MI:SS') || '+00', to_char(hi, 'YYYY-MM-DD HH24:MI:SS') || '+00');
        made := made + 1;
      END IF;
    END IF;
    lo := hi;
  END LOOP;
  RETURN made;
END $$;

-- The old tables step aside (their index names are schema-wide, so they are renamed too).
ALTER INDEX activity_history_pkey RENAME TO activity_history_old_pkey;
ALTER INDEX activity_history_activity_idx RENAME TO activity_history_old_activity_idx;
ALTER TABLE activity_history RENAME TO activity_history_old;
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

CREATE TABLE activity_history (
  id bigint NOT NULL DEFAULT nextval('activity_history_id_seq'),
  account_id uuid NOT NULL CONSTRAINT activity_history_account_id_fkey REFERENCES accounts(id) ON DELETE CASCADE,
  activity_id text NOT NULL,
  at timestamptz NOT NULL,
  actor_type text NOT NULL CHECK (actor_type IN ('customer', 'user', 'system')),
  actor_id uuid,
  actor_name text,
  action text NOT NULL,
  from_status text,
  from_detailed_status text,
  to_status text NOT NULL,
  to_detailed_status text NOT NULL,
  reason text,
  data jsonb NOT NULL DEFAULT '{}'::jsonb,
  CONSTRAINT activity_history_pkey PRIMARY KEY (id, account_id, at),
  CONSTRAINT activity_history_activity_id_fkey FOREIGN KEY (activity_id, account_id) REFERENCES activities(id, account_id) ON DELETE CASCADE
) PARTITION BY RANGE (at);
CREATE TABLE activity_history_default PARTITION OF activity_history DEFAULT;
SELECT ensure_time_partitions('activity_history', 'year', coalesce((SELECT min(at) FROM activity_history_old), now()), now() + interval '1 year');
INSERT INTO activity_history SELECT * FROM activity_history_old;
CREATE INDEX activity_history_activity_idx ON activity_history (activity_id, id);
CREATE TRIGGER activity_history_no_update BEFORE UPDATE ON activity_history
  FOR EACH ROW EXECUTE FUNCTION activity_history_immutable();

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
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
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
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
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

SELECT ensure_time_partitions(t, 'month', coalesce((SELECT min(created_at) FROM outbox_events_old), now()), now() + interval '2 months')
  FROM unnest(ARRAY['outbox_events', 'outbox_deliveries', 'webhook_deliveries']) AS t;
INSERT INTO outbox_events SELECT * FROM outbox_events_old;
INSERT INTO outbox_deliveries (consumer, event_id, account_id, activity_id, status, attempts, next_attempt_at, last_error, delivered_at, lease_token, last_attempt_at, event_at)
  SELECT d.consumer, d.event_id, d.account_id, d.activity_id, d.status, d.attempts, d.next_attempt_at, d.last_error, d.delivered_at, d.lease_token, d.last_attempt_at, e.created_at
    FROM outbox_deliveries_old d JOIN outbox_events_old e ON e.id = d.event_id;
INSERT INTO webhook_deliveries (endpoint_id, event_id, account_id, activity_id, status, attempts, next_attempt_at, lease_token, last_attempt_at, last_status, last_error, delivered_at, created_at, event_at)
  SELECT d.endpoint_id, d.event_id, d.account_id, d.activity_id, d.status, d.attempts, d.next_attempt_at, d.lease_token, d.last_attempt_at, d.last_status, d.last_error, d.delivered_at, d.created_at, e.created_at
    FROM webhook_deliveries_old d JOIN outbox_events_old e ON e.id = d.event_id;

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

-- The sequences now belong to the new tables (dropping the old ones would otherwise drop them).
ALTER SEQUENCE activity_history_id_seq OWNED BY activity_history.id;
ALTER SEQUENCE outbox_events_id_seq OWNED BY outbox_events.id;
DROP TABLE webhook_deliveries_old, outbox_deliveries_old, outbox_events_old, activity_history_old;
