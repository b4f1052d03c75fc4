-- Activity history partitioned by year of `at` (issue 16), so it can be archived (or, with a
-- retention, dropped) a year at a time instead of deleted row by row. It has a DEFAULT partition
-- for times no partition covers yet (a clock far ahead, a server down for a long time), and here
-- gets only that one: on PostgreSQL the workers create the current and the next year's partitions
-- when they start and housekeeping keeps them ahead (ensure_time_partitions), never one whose
-- range already has rows in the default partition (those stay there). The embedded database
-- keeps the default partition alone: on PGlite every partition is more files the planner measures
-- for each statement, for nothing a one-process install needs.
--
-- The outbox (events and their deliveries) is not partitioned: its workers' claims read the due
-- deliveries of all partitions in order, and over monthly partitions the planner chose to sort
-- every due row rather than read each partition's index in order (the webhook sender fell from
-- ~730 to ~150 deliveries/s, bench/webhooks.ts); retention deletes its delivered rows instead.
-- (Migration 029 partitions it, with claims that read the partitions in order.)

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

-- The old table steps aside (its index names are schema-wide, so they are renamed too).
ALTER INDEX activity_history_pkey RENAME TO activity_history_old_pkey;
ALTER INDEX activity_history_activity_idx RENAME TO activity_history_old_activity_idx;
ALTER TABLE activity_history RENAME TO activity_history_old;

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
INSERT INTO activity_history SELECT * FROM activity_history_old;
CREATE INDEX activity_history_activity_idx ON activity_history (activity_id, id);
CREATE TRIGGER activity_history_no_update BEFORE UPDATE ON activity_history
  FOR EACH ROW EXECUTE FUNCTION activity_history_immutable();

-- The sequence now belongs to the new table (dropping the old one would otherwise drop it).
ALTER SEQUENCE activity_history_id_seq OWNED BY activity_history.id;
DROP TABLE activity_history_old;
