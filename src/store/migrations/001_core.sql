-- Core schema: accounts, users, sign-in, booking pages, customers, activities, history,
-- relations, manage links and the outbox. Written for PostgreSQL 15 (PGlite is 17+).
-- Every table carries account_id; every query the repositories run is scoped by it.

CREATE TABLE accounts (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
  id uuid PRIMARY KEY,
  account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  email text NOT NULL,
  name text NOT NULL,
  role text NOT NULL CHECK (role IN ('admin', 'member')),
  password_hash text,
  time_zone text NOT NULL DEFAULT 'UTC',
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));
CREATE INDEX users_account_idx ON users (account_id);

CREATE TABLE sessions (
  token_hash text PRIMARY KEY,
  account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);

CREATE TABLE api_tokens (
  id uuid PRIMARY KEY,
  account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name text NOT NULL,
  token_hash text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz
);

CREATE TABLE booking_pages (
  id uuid PRIMARY KEY,
  account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  slug text NOT NULL,
  name text NOT NULL,
  owner_id uuid NOT NULL REFERENCES users(id),
  time_zone text NOT NULL,
  duration_minutes integer NOT NULL CHECK (duration_minutes > 0),
  mode text NOT NULL CHECK (mode IN ('automatic', 'approval')),
  location text,
  -- Simple weekly open hours: {"mon":[["09:00","17:00"]], ...} in the page's time zone.
  open_hours jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX booking_pages_slug_key ON booking_pages (lower(slug));
CREATE INDEX booking_pages_account_idx ON booking_pages (account_id);

CREATE TABLE booking_page_members (
  account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  booking_page_id uuid NOT NULL REFERENCES booking_pages(id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  role text NOT NULL CHECK (role IN ('editor', 'viewer')),
  PRIMARY KEY (booking_page_id, user_id)
);
CREATE INDEX booking_page_members_user_idx ON booking_page_members (user_id);

CREATE TABLE event_types (
  id uuid PRIMARY KEY,
  account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  booking_page_id uuid NOT NULL REFERENCES booking_pages(id) ON DELETE CASCADE,
  name text NOT NULL,
  duration_minutes integer NOT NULL CHECK (duration_minutes > 0),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX event_types_page_idx ON event_types (booking_page_id);

CREATE TABLE customers (
  id uuid PRIMARY KEY,
  account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  name text NOT NULL,
  email text NOT NULL,
  phone text,
  time_zone text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX customers_account_email_key ON customers (account_id, lower(email));

CREATE TABLE activities (
  id text PRIMARY KEY,
  account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  type text NOT NULL CHECK (type IN ('booking', 'package', 'transaction')),
  status text NOT NULL,
  detailed_status text NOT NULL,
  booking_page_id uuid REFERENCES booking_pages(id),
  event_type_id uuid REFERENCES event_types(id),
  owner_id uuid REFERENCES users(id),
  customer_id uuid REFERENCES customers(id),
  -- Denormalised for the stream and its free-text search (kept current by the use cases).
  customer_name text,
  customer_email text,
  customer_phone text,
  customer_time_zone text,
  page_name text,
  event_type_name text,
  owner_name text,
  start_at timestamptz,
  end_at timestamptz,
  -- A booking request's proposed start times (ISO strings) and the latest of them (for expiry).
  proposed_times jsonb,
  latest_proposed_at timestamptz,
  -- The booking a request would reschedule when approved.
  reschedules_id text REFERENCES activities(id),
  -- Set when a user asked the customer to reschedule: {"eventType":"same"|"any","reason":"…"}.
  reschedule_request jsonb,
  -- The last reason given for a cancel or reschedule; shown to the customer.
  reason text,
  answers jsonb,
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  search tsvector GENERATED ALWAYS AS (
    to_tsvector('simple'::regconfig,
      coalesce(id, '') || ' ' || coalesce(customer_name, '') || ' ' || coalesce(customer_email, '') || ' ' ||
      coalesce(customer_phone, '') || ' ' || coalesce(page_name, '') || ' ' || coalesce(event_type_name, '') || ' ' ||
      coalesce(owner_name, ''))
  ) STORED
);
-- The stream is read newest-updated first with a (updated_at, id) cursor; one index per filter
-- keeps "first page with one filter" an index range scan.
CREATE INDEX activities_stream_idx ON activities (account_id, updated_at DESC, id DESC);
CREATE INDEX activities_status_idx ON activities (account_id, status, updated_at DESC, id DESC);
CREATE INDEX activities_detailed_idx ON activities (account_id, detailed_status, updated_at DESC, id DESC);
CREATE INDEX activities_type_idx ON activities (account_id, type, updated_at DESC, id DESC);
CREATE INDEX activities_page_idx ON activities (account_id, booking_page_id, updated_at DESC, id DESC);
CREATE INDEX activities_owner_idx ON activities (account_id, owner_id, updated_at DESC, id DESC);
CREATE INDEX activities_customer_idx ON activities (account_id, customer_id, updated_at DESC, id DESC);
CREATE INDEX activities_start_idx ON activities (account_id, start_at);
CREATE INDEX activities_created_idx ON activities (account_id, created_at);
CREATE INDEX activities_email_idx ON activities (account_id, lower(customer_email));
CREATE INDEX activities_search_idx ON activities USING gin (search);
-- The system job's work lists.
CREATE INDEX activities_due_complete_idx ON activities (end_at) WHERE status IN ('Scheduled', 'Rescheduled');
CREATE INDEX activities_due_expire_idx ON activities (latest_proposed_at) WHERE status = 'Requested';

CREATE TABLE activity_history (
  id bigserial PRIMARY KEY,
  account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  activity_id text NOT NULL REFERENCES activities(id) ON DELETE CASCADE,
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
  data jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX activity_history_activity_idx ON activity_history (activity_id, id);

-- History is immutable: it can go only with its activity (data deletion), never be edited.
CREATE FUNCTION activity_history_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'activity_history rows are immutable';
END $$;
CREATE TRIGGER activity_history_no_update BEFORE UPDATE ON activity_history
  FOR EACH ROW EXECUTE FUNCTION activity_history_immutable();

CREATE TABLE activity_relations (
  account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  from_id text NOT NULL REFERENCES activities(id) ON DELETE CASCADE,
  to_id text NOT NULL REFERENCES activities(id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('rescheduled_as', 'resubmitted_as', 'package_session', 'payment')),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (from_id, to_id, kind)
);
CREATE INDEX activity_relations_to_idx ON activity_relations (to_id);
-- A canceled booking or request is rebooked/resubmitted at most once, whatever the race.
CREATE UNIQUE INDEX activity_relations_once_key ON activity_relations (from_id, kind)
  WHERE kind IN ('rescheduled_as', 'resubmitted_as');

CREATE TABLE manage_tokens (
  token_hash text PRIMARY KEY,
  account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  activity_id text NOT NULL REFERENCES activities(id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX manage_tokens_activity_idx ON manage_tokens (activity_id);

-- The transactional outbox. Each event is written with the change that caused it; each
-- registered consumer gets a delivery row in the same transaction.
CREATE TABLE outbox_consumers (
  name text PRIMARY KEY,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE outbox_events (
  id bigserial PRIMARY KEY,
  account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  activity_id text,
  type text NOT NULL,
  payload jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE outbox_deliveries (
  consumer text NOT NULL REFERENCES outbox_consumers(name) ON DELETE CASCADE,
  event_id bigint NOT NULL REFERENCES outbox_events(id) ON DELETE CASCADE,
  account_id uuid NOT NULL,
  activity_id text,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_error text,
  delivered_at timestamptz,
  PRIMARY KEY (consumer, event_id)
);
CREATE INDEX outbox_deliveries_pending_idx ON outbox_deliveries (consumer, event_id) WHERE status = 'pending';
CREATE INDEX outbox_deliveries_activity_idx ON outbox_deliveries (consumer, activity_id, event_id) WHERE status = 'pending';

CREATE TABLE saved_filters (
  id uuid PRIMARY KEY,
  account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name text NOT NULL,
  query jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX saved_filters_name_key ON saved_filters (user_id, lower(name));
