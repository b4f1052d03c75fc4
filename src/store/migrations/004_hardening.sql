-- Hardening (issue 9): the demo's seeding state, API token expiry, idempotency keys, the shared
-- sign-in limiter, and one live booking per customer, page and start. PostgreSQL 15 syntax.

-- The demo account is "seeding" until its last scenario has run. A start that finds a seeding
-- demo (a seed that failed or was killed) removes it and seeds again. The demo admin's API token
-- is kept here in clear so each start can print the same one: it is a demo credential, like the
-- demo password printed beside it, and no other token is ever stored in clear.
CREATE TABLE demo_accounts (
  account_id uuid PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
  state text NOT NULL CHECK (state IN ('seeding', 'ready')),
  api_token text,
  seeded_for timestamptz NOT NULL,
  ready_at timestamptz
);

-- API tokens: an optional expiry; listed per user.
ALTER TABLE api_tokens ADD COLUMN expires_at timestamptz;
CREATE INDEX api_tokens_user_idx ON api_tokens (account_id, user_id);

-- Idempotency-Key (Stripe's semantics). A key is claimed inside the transaction of the change it
-- guards, so the change happens at most once whatever the number of retries or processes; the
-- answer is stored after, encrypted with a key derived from the Idempotency-Key itself (the
-- database alone cannot read it: answers may hold a manage link). scope: the caller's account,
-- or 'public' for the customer pages (where the request body must match as well).
CREATE TABLE idempotency_keys (
  scope text NOT NULL,
  key_hash text NOT NULL,
  request_hash text NOT NULL,
  status_code integer,
  response bytea,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (scope, key_hash)
);
CREATE INDEX idempotency_keys_expiry_idx ON idempotency_keys (expires_at);

-- Failed sign-ins in fixed windows, shared by every process: per e-mail, and per e-mail and
-- client address together (so one blocked address does not lock out its other users).
CREATE TABLE sign_in_failures (
  key text PRIMARY KEY,
  window_start timestamptz NOT NULL,
  failures integer NOT NULL
);

-- A retried booking (same customer, page and start) while the first is live is refused, even
-- when a team page would have given the retry another host.
CREATE UNIQUE INDEX activities_one_live_booking_key ON activities (account_id, booking_page_id, customer_id, start_at)
  WHERE type = 'booking' AND status IN ('Scheduled', 'Rescheduled') AND customer_id IS NOT NULL;
