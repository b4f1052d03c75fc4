-- Payments with PayPal (issue 11): the account's connection, prices, checkouts that hold a slot
-- while the customer is at PayPal, payments and refunds (each a TXN- activity), and PayPal's
-- webhook events. Money is integer minor units with its ISO 4217 currency. PostgreSQL 15 syntax.

-- The account's PayPal connection. The client secret is sealed with the installation's key
-- (src/app/secrets.ts) and never leaves the server. webhook_key names the account in its webhook
-- URL; it is not what protects the webhook (every message is verified by PayPal's signature).
CREATE TABLE payment_connections (
  account_id uuid PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
  provider text NOT NULL CHECK (provider = 'paypal'),
  mode text NOT NULL CHECK (mode IN ('sandbox', 'live')),
  base_url text NOT NULL,
  client_id text NOT NULL,
  client_secret_sealed text NOT NULL,
  webhook_id text,
  webhook_key text NOT NULL UNIQUE,
  connected_by uuid REFERENCES users(id) ON DELETE SET NULL,
  connected_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);

-- Prices: a booking page's price (and currency), an event type's own price, a package's price per
-- session, a fee to reschedule, and whether a customer's cancellation within the page's policy is
-- refunded automatically. NULL price: free.
ALTER TABLE booking_pages
  ADD COLUMN currency text CHECK (currency ~ '^[A-Z]{3}$'),
  ADD COLUMN price_minor bigint CHECK (price_minor >= 0),
  ADD COLUMN package_session_price_minor bigint CHECK (package_session_price_minor >= 0),
  ADD COLUMN reschedule_fee_minor bigint CHECK (reschedule_fee_minor >= 0),
  ADD COLUMN refund_policy text NOT NULL DEFAULT 'none' CHECK (refund_policy IN ('none', 'automatic'));
ALTER TABLE event_types ADD COLUMN price_minor bigint CHECK (price_minor >= 0);

-- The business on its invoices, and the tax included in its prices (if any).
ALTER TABLE accounts
  ADD COLUMN invoice_address text,
  ADD COLUMN tax_id text,
  ADD COLUMN tax_name text,
  ADD COLUMN tax_rate_bp integer CHECK (tax_rate_bp BETWEEN 0 AND 10000);

-- A transaction's amount shows in the stream; a payment's refundable rest decides its menu.
ALTER TABLE activities
  ADD COLUMN amount_minor bigint,
  ADD COLUMN currency text,
  ADD COLUMN refundable_minor bigint;

-- Refund transactions are related to their payment, as the payment is to its booking.
ALTER TABLE activity_relations DROP CONSTRAINT activity_relations_kind_check;
ALTER TABLE activity_relations ADD CONSTRAINT activity_relations_kind_check
  CHECK (kind IN ('rescheduled_as', 'resubmitted_as', 'package_session', 'payment', 'refund'));

-- A customer on their way through PayPal: what they chose, the price, the PayPal order, and until
-- when their time is held. Completing it makes the booking (or package, or the reschedule) and its
-- payment in one transaction.
CREATE TABLE checkouts (
  id uuid PRIMARY KEY,
  account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  booking_page_id uuid NOT NULL REFERENCES booking_pages(id),
  purpose text NOT NULL CHECK (purpose IN ('booking', 'package', 'reschedule')),
  host_id uuid NOT NULL REFERENCES users(id),
  event_type_id uuid REFERENCES event_types(id),
  starts jsonb NOT NULL,
  duration_minutes integer NOT NULL,
  customer jsonb NOT NULL,
  answers jsonb,
  -- A reschedule fee: the booking it moves.
  moves_activity_id text REFERENCES activities(id) ON DELETE CASCADE,
  amount_minor bigint NOT NULL CHECK (amount_minor > 0),
  currency text NOT NULL,
  paypal_order_id text,
  state text NOT NULL CHECK (state IN ('open', 'completed', 'declined', 'expired', 'abandoned')),
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL,
  finished_at timestamptz,
  result_activity_id text,
  payment_activity_id text
);
CREATE UNIQUE INDEX checkouts_order_key ON checkouts (account_id, paypal_order_id) WHERE paypal_order_id IS NOT NULL;
CREATE INDEX checkouts_open_idx ON checkouts (expires_at) WHERE state = 'open';

-- Holds now belong to a pending request (activity_id) or to an open checkout (checkout_id);
-- `holder` names either, so one holder's times may touch each other but no one else's.
ALTER TABLE booking_holds ADD COLUMN holder text;
UPDATE booking_holds SET holder = activity_id;
ALTER TABLE booking_holds ALTER COLUMN holder SET NOT NULL;
ALTER TABLE booking_holds ALTER COLUMN activity_id DROP NOT NULL;
ALTER TABLE booking_holds ADD COLUMN checkout_id uuid REFERENCES checkouts(id) ON DELETE CASCADE;
ALTER TABLE booking_holds ADD CONSTRAINT booking_holds_one_holder CHECK ((activity_id IS NULL) <> (checkout_id IS NULL));
ALTER TABLE booking_holds DROP CONSTRAINT booking_holds_no_overlap;
ALTER TABLE booking_holds ADD CONSTRAINT booking_holds_no_overlap EXCLUDE USING gist (owner_id WITH =, blocked WITH &&, holder WITH <>);
CREATE INDEX booking_holds_checkout_idx ON booking_holds (checkout_id) WHERE checkout_id IS NOT NULL;

-- Each payment and refund, beside its TXN- activity. refunded_minor is what a payment's refunds
-- take, pending ones included; the CHECK is the database's word that no capture is ever refunded
-- beyond what was paid, however many refunds race. request_id is the PayPal-Request-Id of the
-- call that moves the money (PayPal answers a repeat with the first result).
CREATE TABLE payment_records (
  activity_id text PRIMARY KEY REFERENCES activities(id) ON DELETE CASCADE,
  account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('payment', 'refund')),
  purpose text NOT NULL CHECK (purpose IN ('schedule', 'reschedule', 'cancellation', 'bookstream', 'paypal')),
  for_activity_id text REFERENCES activities(id) ON DELETE SET NULL,
  payment_activity_id text REFERENCES activities(id) ON DELETE SET NULL,
  booking_page_id uuid REFERENCES booking_pages(id),
  amount_minor bigint NOT NULL CHECK (amount_minor > 0),
  currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  refunded_minor bigint NOT NULL DEFAULT 0,
  paypal_order_id text,
  paypal_capture_id text,
  paypal_refund_id text,
  request_id text NOT NULL,
  payer jsonb,
  reason text,
  state text NOT NULL CHECK (state IN ('submitting', 'pending', 'completed', 'denied', 'failed')),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  CONSTRAINT payment_records_refund_within_payment CHECK (refunded_minor >= 0 AND refunded_minor <= amount_minor)
);
CREATE UNIQUE INDEX payment_records_capture_key ON payment_records (account_id, paypal_capture_id) WHERE kind = 'payment' AND paypal_capture_id IS NOT NULL;
CREATE UNIQUE INDEX payment_records_refund_key ON payment_records (account_id, paypal_refund_id) WHERE paypal_refund_id IS NOT NULL;
CREATE UNIQUE INDEX payment_records_request_key ON payment_records (account_id, request_id);
CREATE INDEX payment_records_for_idx ON payment_records (account_id, for_activity_id);
CREATE INDEX payment_records_payment_idx ON payment_records (account_id, payment_activity_id);
CREATE INDEX payment_records_unsettled_idx ON payment_records (updated_at) WHERE state IN ('submitting', 'pending');

-- PayPal's webhook events, each kept once (a repeat changes nothing). An event about a capture or
-- refund Bookstream does not know (yet) is kept unprocessed and applied when it becomes known.
CREATE TABLE paypal_webhook_events (
  account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  event_id text NOT NULL,
  event_type text NOT NULL,
  resource_id text,
  capture_id text,
  payload jsonb NOT NULL,
  received_at timestamptz NOT NULL,
  processed_at timestamptz,
  outcome text,
  PRIMARY KEY (account_id, event_id)
);
CREATE INDEX paypal_webhook_events_waiting_idx ON paypal_webhook_events (account_id, capture_id) WHERE processed_at IS NULL;

-- The demo's payments are made once the server listens (PayPal's webhooks must reach it).
ALTER TABLE demo_accounts ADD COLUMN payments_seeded_at timestamptz;
