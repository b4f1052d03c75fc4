-- Trash and privacy (issue 14): activities moved to the Trash, the anonymised revenue left by a
-- permanently deleted payment, and one report per purge run. PostgreSQL 15 syntax.

-- An activity in the Trash: when and by whom it was moved. It stays what it was (a future booking
-- stays booked and its time stays taken: the no-double-booking constraint still sees it), but it
-- leaves every stream view, search and count, and is deleted permanently 30 days after trashed_at.
ALTER TABLE activities
  ADD COLUMN trashed_at timestamptz,
  ADD COLUMN trashed_by uuid,
  -- A booking or package whose payment was deleted permanently: it loses the payment's menu items
  -- (refund, invoice), its booking page link and its policy (the seed's "Payment integration").
  ADD COLUMN payment_purged_at timestamptz;

-- The stream's range scans by creation or meeting time read (id, updated_at) from these indexes
-- alone (migration 006): with trashed rows in them, every match would need a heap visit to learn
-- that it is not in the Trash. As partial indexes they hold only what the stream may show, and
-- every stream query says `trashed_at IS NULL`, so the planner still picks them. The other stream
-- indexes keep trashed rows: their scans visit the heap anyway, and the Trash is a thin slice.
CREATE INDEX activities_start_sort_live_idx ON activities (account_id, start_at, id) INCLUDE (updated_at) WHERE trashed_at IS NULL;
CREATE INDEX activities_created_sort_live_idx ON activities (account_id, created_at, id) INCLUDE (updated_at) WHERE trashed_at IS NULL;
DROP INDEX activities_start_sort_idx;
DROP INDEX activities_created_sort_idx;

-- The Trash view (newest trashed first) and the 30-day purge job's work list: only trashed rows.
CREATE INDEX activities_trash_idx ON activities (account_id, trashed_at DESC, id DESC) WHERE trashed_at IS NOT NULL;
CREATE INDEX activities_trash_due_idx ON activities (trashed_at) WHERE trashed_at IS NOT NULL;

-- A permanently deleted payment or refund stays in revenue figures as an amount, a currency, a
-- date and a booking page: no activity ID, no PayPal IDs, no payer. (Keeping the transaction row
-- with its personal columns emptied would keep its TXN- ID, its history and its PayPal capture ID,
-- which PayPal can tie to the payer: a separate ledger keeps nothing that points at a person.)
CREATE TABLE revenue_ledger (
  id bigserial PRIMARY KEY,
  account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  booking_page_id uuid REFERENCES booking_pages(id),
  kind text NOT NULL CHECK (kind IN ('payment', 'refund')),
  amount_minor bigint NOT NULL CHECK (amount_minor >= 0),
  currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  -- The day the money moved (the transaction's creation), and when its activity was deleted.
  occurred_at timestamptz NOT NULL,
  purged_at timestamptz NOT NULL
);
CREATE INDEX revenue_ledger_account_idx ON revenue_ledger (account_id, occurred_at);

-- One row per account per purge run: what was removed (counts by kind, never personal data), by
-- which path, and when the database vacuumed the tables it touched (null: not yet; the purge job
-- vacuums within minutes, and catches up after downtime).
CREATE TABLE purge_reports (
  id uuid PRIMARY KEY,
  account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  trigger text NOT NULL CHECK (trigger IN ('delete-permanently', 'empty-trash', 'scheduled')),
  actor_id uuid,
  ran_at timestamptz NOT NULL,
  counts jsonb NOT NULL,
  vacuumed_at timestamptz
);
CREATE INDEX purge_reports_account_idx ON purge_reports (account_id, ran_at DESC);
CREATE INDEX purge_reports_unvacuumed_idx ON purge_reports (ran_at) WHERE vacuumed_at IS NULL;

-- The deleter removes activities by the thousand (the 30-day purge; "Empty trash now"). Each row
-- deleted makes PostgreSQL check or update every row that refers to it, by a query on the
-- referring column alone: without an index on that column, each one is a scan of the whole table
-- (a million activities for every deleted booking's `reschedules_id` check). These make each
-- reference a look-up; the partial ones skip the rows that refer to nothing.
CREATE INDEX activities_reschedules_ref_idx ON activities (reschedules_id) WHERE reschedules_id IS NOT NULL;
CREATE INDEX activities_customer_ref_idx ON activities (customer_id) WHERE customer_id IS NOT NULL;
CREATE INDEX payment_records_for_ref_idx ON payment_records (for_activity_id) WHERE for_activity_id IS NOT NULL;
CREATE INDEX payment_records_payment_ref_idx ON payment_records (payment_activity_id) WHERE payment_activity_id IS NOT NULL;
CREATE INDEX checkouts_moves_ref_idx ON checkouts (moves_activity_id) WHERE moves_activity_id IS NOT NULL;
CREATE INDEX checkouts_result_ref_idx ON checkouts (result_activity_id) WHERE result_activity_id IS NOT NULL;
CREATE INDEX checkouts_payment_ref_idx ON checkouts (payment_activity_id) WHERE payment_activity_id IS NOT NULL;
-- An activity's outbox events (deleted with it), and their deliveries (deleted by cascade per event).
CREATE INDEX outbox_events_activity_idx ON outbox_events (account_id, activity_id) WHERE activity_id IS NOT NULL;
CREATE INDEX outbox_deliveries_event_idx ON outbox_deliveries (event_id);
CREATE INDEX webhook_deliveries_event_idx ON webhook_deliveries (event_id);
-- PayPal's webhook events about a purged payment's capture or refund.
CREATE INDEX paypal_webhook_events_capture_idx ON paypal_webhook_events (account_id, capture_id) WHERE capture_id IS NOT NULL;
CREATE INDEX paypal_webhook_events_resource_idx ON paypal_webhook_events (account_id, resource_id) WHERE resource_id IS NOT NULL;
