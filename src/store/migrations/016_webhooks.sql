-- Outbound webhooks. An account subscribes URLs to event types; the "webhooks" outbox consumer
-- fans each event out into one webhook_deliveries row per matching endpoint (in the transaction
-- that marks the outbox delivery done, so the fan-out happens exactly once), and a sender leases
-- and sends those rows outside any transaction. Each (endpoint, event) pair has its own state:
-- one endpoint failing neither blocks nor repeats another's deliveries.
CREATE TABLE webhook_endpoints (
  id uuid PRIMARY KEY,
  account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  url text NOT NULL,
  description text NOT NULL DEFAULT '',
  event_types text[] NOT NULL,
  -- The signing secret (whsec_…), sealed with ctx.secrets and bound to this endpoint.
  secret_sealed text NOT NULL,
  enabled boolean NOT NULL DEFAULT true,
  disabled_reason text,
  -- The current run of failed attempts; disabling looks at its length and age.
  failure_streak integer NOT NULL DEFAULT 0,
  failing_since timestamptz,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX webhook_endpoints_account_idx ON webhook_endpoints (account_id);

CREATE TABLE webhook_deliveries (
  endpoint_id uuid NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
  event_id bigint NOT NULL REFERENCES outbox_events(id) ON DELETE CASCADE,
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
  PRIMARY KEY (endpoint_id, event_id)
);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at, event_id) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_order_idx ON webhook_deliveries (endpoint_id, activity_id, event_id) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_account_idx ON webhook_deliveries (account_id, event_id DESC);
CREATE INDEX webhook_deliveries_activity_idx ON webhook_deliveries (account_id, activity_id);

-- The delivery log lists every consumer's deliveries of an account, newest first.
CREATE INDEX outbox_deliveries_account_idx ON outbox_deliveries (account_id, event_id DESC);
CREATE INDEX outbox_deliveries_by_activity_idx ON outbox_deliveries (account_id, activity_id);
