-- Every primary key, unique constraint, unique index, exclusion constraint and foreign key of a
-- table that holds an account's data carries account_id, so the schema can be distributed by
-- account (Citus: create_distributed_table(…, 'account_id') on each, co-located) without being
-- rewritten, and no row can point at another account's row: a foreign key now matches the account
-- as well as the id. account_id is appended (keys lead with the id), so lookups by id keep their
-- index. test/account-keys.test.ts reads the catalog and fails on any key without account_id.
--
-- Not distributed (the test's list, README "Running at scale"): accounts (distributed by its own
-- id), schema_migrations and outbox_consumers (reference tables), sign_in_failures and
-- idempotency_keys (kept before any account is known: e-mail/IP failures, the customer pages'
-- shared scope), and global_names below (reference table).

-- 1. Foreign keys that point at a key about to gain account_id
ALTER TABLE sessions DROP CONSTRAINT sessions_user_id_fkey;
ALTER TABLE api_tokens DROP CONSTRAINT api_tokens_user_id_fkey;
ALTER TABLE booking_pages DROP CONSTRAINT booking_pages_owner_id_fkey;
ALTER TABLE booking_page_members DROP CONSTRAINT booking_page_members_booking_page_id_fkey;
ALTER TABLE booking_page_members DROP CONSTRAINT booking_page_members_user_id_fkey;
ALTER TABLE event_types DROP CONSTRAINT event_types_booking_page_id_fkey;
ALTER TABLE activities DROP CONSTRAINT activities_booking_page_id_fkey;
ALTER TABLE activities DROP CONSTRAINT activities_customer_id_fkey;
ALTER TABLE activities DROP CONSTRAINT activities_event_type_id_fkey;
ALTER TABLE activities DROP CONSTRAINT activities_owner_id_fkey;
ALTER TABLE activities DROP CONSTRAINT activities_reschedules_id_fkey;
ALTER TABLE activity_history DROP CONSTRAINT activity_history_activity_id_fkey;
ALTER TABLE activity_relations DROP CONSTRAINT activity_relations_from_id_fkey;
ALTER TABLE activity_relations DROP CONSTRAINT activity_relations_to_id_fkey;
ALTER TABLE manage_tokens DROP CONSTRAINT manage_tokens_activity_id_fkey;
ALTER TABLE outbox_deliveries DROP CONSTRAINT outbox_deliveries_event_id_fkey;
ALTER TABLE saved_filters DROP CONSTRAINT saved_filters_user_id_fkey;
ALTER TABLE booking_page_hosts DROP CONSTRAINT booking_page_hosts_booking_page_id_fkey;
ALTER TABLE booking_page_hosts DROP CONSTRAINT booking_page_hosts_user_id_fkey;
ALTER TABLE user_weekly_hours DROP CONSTRAINT user_weekly_hours_user_id_fkey;
ALTER TABLE user_date_overrides DROP CONSTRAINT user_date_overrides_user_id_fkey;
ALTER TABLE master_page_targets DROP CONSTRAINT master_page_targets_booking_page_id_fkey;
ALTER TABLE master_page_targets DROP CONSTRAINT master_page_targets_master_page_id_fkey;
ALTER TABLE master_page_targets DROP CONSTRAINT master_page_targets_user_id_fkey;
ALTER TABLE booking_holds DROP CONSTRAINT booking_holds_activity_id_fkey;
ALTER TABLE booking_holds DROP CONSTRAINT booking_holds_checkout_id_fkey;
ALTER TABLE booking_holds DROP CONSTRAINT booking_holds_owner_id_fkey;
ALTER TABLE user_links DROP CONSTRAINT user_links_created_by_fkey;
ALTER TABLE user_links DROP CONSTRAINT user_links_user_id_fkey;
ALTER TABLE payment_connections DROP CONSTRAINT payment_connections_connected_by_fkey;
ALTER TABLE checkouts DROP CONSTRAINT checkouts_booking_page_id_fkey;
ALTER TABLE checkouts DROP CONSTRAINT checkouts_event_type_id_fkey;
ALTER TABLE checkouts DROP CONSTRAINT checkouts_host_id_fkey;
ALTER TABLE checkouts DROP CONSTRAINT checkouts_moves_activity_id_fkey;
ALTER TABLE payment_records DROP CONSTRAINT payment_records_activity_id_fkey;
ALTER TABLE payment_records DROP CONSTRAINT payment_records_booking_page_id_fkey;
ALTER TABLE payment_records DROP CONSTRAINT payment_records_for_activity_id_fkey;
ALTER TABLE payment_records DROP CONSTRAINT payment_records_payment_activity_id_fkey;
ALTER TABLE invoice_details DROP CONSTRAINT invoice_details_activity_id_fkey;
ALTER TABLE calendar_connections DROP CONSTRAINT calendar_connections_user_id_fkey;
ALTER TABLE calendar_busy DROP CONSTRAINT calendar_busy_owner_id_fkey;
ALTER TABLE calendar_event_copies DROP CONSTRAINT calendar_event_copies_user_id_fkey;
ALTER TABLE calendar_feeds DROP CONSTRAINT calendar_feeds_user_id_fkey;
ALTER TABLE webhook_deliveries DROP CONSTRAINT webhook_deliveries_endpoint_id_fkey;
ALTER TABLE webhook_deliveries DROP CONSTRAINT webhook_deliveries_event_id_fkey;
ALTER TABLE revenue_ledger DROP CONSTRAINT revenue_ledger_booking_page_id_fkey;

-- 2. Primary keys and unique constraints: account_id appended
ALTER TABLE users DROP CONSTRAINT users_pkey, ADD CONSTRAINT users_pkey PRIMARY KEY (id, account_id);
ALTER TABLE sessions DROP CONSTRAINT sessions_pkey, ADD CONSTRAINT sessions_pkey PRIMARY KEY (token_hash, account_id);
ALTER TABLE api_tokens DROP CONSTRAINT api_tokens_pkey, ADD CONSTRAINT api_tokens_pkey PRIMARY KEY (id, account_id);
ALTER TABLE api_tokens DROP CONSTRAINT api_tokens_token_hash_key, ADD CONSTRAINT api_tokens_token_hash_key UNIQUE (token_hash, account_id);
ALTER TABLE booking_pages DROP CONSTRAINT booking_pages_pkey, ADD CONSTRAINT booking_pages_pkey PRIMARY KEY (id, account_id);
ALTER TABLE booking_page_members DROP CONSTRAINT booking_page_members_pkey, ADD CONSTRAINT booking_page_members_pkey PRIMARY KEY (booking_page_id, user_id, account_id);
ALTER TABLE event_types DROP CONSTRAINT event_types_pkey, ADD CONSTRAINT event_types_pkey PRIMARY KEY (id, account_id);
ALTER TABLE customers DROP CONSTRAINT customers_pkey, ADD CONSTRAINT customers_pkey PRIMARY KEY (id, account_id);
ALTER TABLE activities DROP CONSTRAINT activities_pkey, ADD CONSTRAINT activities_pkey PRIMARY KEY (id, account_id);
ALTER TABLE activity_history DROP CONSTRAINT activity_history_pkey, ADD CONSTRAINT activity_history_pkey PRIMARY KEY (id, account_id);
ALTER TABLE activity_relations DROP CONSTRAINT activity_relations_pkey, ADD CONSTRAINT activity_relations_pkey PRIMARY KEY (from_id, to_id, kind, account_id);
ALTER TABLE manage_tokens DROP CONSTRAINT manage_tokens_pkey, ADD CONSTRAINT manage_tokens_pkey PRIMARY KEY (token_hash, account_id);
ALTER TABLE outbox_events DROP CONSTRAINT outbox_events_pkey, ADD CONSTRAINT outbox_events_pkey PRIMARY KEY (id, account_id);
ALTER TABLE outbox_deliveries DROP CONSTRAINT outbox_deliveries_pkey, ADD CONSTRAINT outbox_deliveries_pkey PRIMARY KEY (consumer, event_id, account_id);
ALTER TABLE saved_filters DROP CONSTRAINT saved_filters_pkey, ADD CONSTRAINT saved_filters_pkey PRIMARY KEY (id, account_id);
ALTER TABLE booking_page_hosts DROP CONSTRAINT booking_page_hosts_pkey, ADD CONSTRAINT booking_page_hosts_pkey PRIMARY KEY (booking_page_id, user_id, account_id);
ALTER TABLE user_weekly_hours DROP CONSTRAINT user_weekly_hours_pkey, ADD CONSTRAINT user_weekly_hours_pkey PRIMARY KEY (user_id, account_id);
ALTER TABLE user_date_overrides DROP CONSTRAINT user_date_overrides_pkey, ADD CONSTRAINT user_date_overrides_pkey PRIMARY KEY (user_id, day, account_id);
ALTER TABLE master_pages DROP CONSTRAINT master_pages_pkey, ADD CONSTRAINT master_pages_pkey PRIMARY KEY (id, account_id);
ALTER TABLE master_page_targets DROP CONSTRAINT master_page_targets_pkey, ADD CONSTRAINT master_page_targets_pkey PRIMARY KEY (id, account_id);
ALTER TABLE booking_holds DROP CONSTRAINT booking_holds_pkey, ADD CONSTRAINT booking_holds_pkey PRIMARY KEY (id, account_id);
ALTER TABLE user_links DROP CONSTRAINT user_links_pkey, ADD CONSTRAINT user_links_pkey PRIMARY KEY (id, account_id);
ALTER TABLE user_links DROP CONSTRAINT user_links_token_hash_key, ADD CONSTRAINT user_links_token_hash_key UNIQUE (token_hash, account_id);
ALTER TABLE payment_connections DROP CONSTRAINT payment_connections_webhook_key_key, ADD CONSTRAINT payment_connections_webhook_key_key UNIQUE (webhook_key, account_id);
ALTER TABLE checkouts DROP CONSTRAINT checkouts_pkey, ADD CONSTRAINT checkouts_pkey PRIMARY KEY (id, account_id);
ALTER TABLE payment_records DROP CONSTRAINT payment_records_pkey, ADD CONSTRAINT payment_records_pkey PRIMARY KEY (activity_id, account_id);
ALTER TABLE invoice_details DROP CONSTRAINT invoice_details_pkey, ADD CONSTRAINT invoice_details_pkey PRIMARY KEY (activity_id, account_id);
ALTER TABLE notification_settings DROP CONSTRAINT notification_settings_pkey, ADD CONSTRAINT notification_settings_pkey PRIMARY KEY (booking_page_id, account_id);
ALTER TABLE email_templates DROP CONSTRAINT email_templates_pkey, ADD CONSTRAINT email_templates_pkey PRIMARY KEY (booking_page_id, kind, audience, account_id);
ALTER TABLE scheduled_notifications DROP CONSTRAINT scheduled_notifications_pkey, ADD CONSTRAINT scheduled_notifications_pkey PRIMARY KEY (activity_id, kind, for_start, account_id);
ALTER TABLE sent_emails DROP CONSTRAINT sent_emails_pkey, ADD CONSTRAINT sent_emails_pkey PRIMARY KEY (id, account_id);
ALTER TABLE sent_emails DROP CONSTRAINT sent_emails_message_id_key, ADD CONSTRAINT sent_emails_message_id_key UNIQUE (message_id, account_id);
ALTER TABLE calendar_connections DROP CONSTRAINT calendar_connections_pkey, ADD CONSTRAINT calendar_connections_pkey PRIMARY KEY (user_id, account_id);
ALTER TABLE calendar_busy DROP CONSTRAINT calendar_busy_pkey, ADD CONSTRAINT calendar_busy_pkey PRIMARY KEY (id, account_id);
ALTER TABLE calendar_feeds DROP CONSTRAINT calendar_feeds_pkey, ADD CONSTRAINT calendar_feeds_pkey PRIMARY KEY (user_id, account_id);
ALTER TABLE calendar_feeds DROP CONSTRAINT calendar_feeds_token_hash_key, ADD CONSTRAINT calendar_feeds_token_hash_key UNIQUE (token_hash, account_id);
ALTER TABLE webhook_endpoints DROP CONSTRAINT webhook_endpoints_pkey, ADD CONSTRAINT webhook_endpoints_pkey PRIMARY KEY (id, account_id);
ALTER TABLE webhook_deliveries DROP CONSTRAINT webhook_deliveries_pkey, ADD CONSTRAINT webhook_deliveries_pkey PRIMARY KEY (endpoint_id, event_id, account_id);
ALTER TABLE salesforce_oauth_states DROP CONSTRAINT salesforce_oauth_states_pkey, ADD CONSTRAINT salesforce_oauth_states_pkey PRIMARY KEY (state_hash, account_id);
ALTER TABLE revenue_ledger DROP CONSTRAINT revenue_ledger_pkey, ADD CONSTRAINT revenue_ledger_pkey PRIMARY KEY (id, account_id);
ALTER TABLE purge_reports DROP CONSTRAINT purge_reports_pkey, ADD CONSTRAINT purge_reports_pkey PRIMARY KEY (id, account_id);
ALTER TABLE report_booking_deltas DROP CONSTRAINT report_booking_deltas_pkey, ADD CONSTRAINT report_booking_deltas_pkey PRIMARY KEY (id, account_id);
ALTER TABLE report_revenue_deltas DROP CONSTRAINT report_revenue_deltas_pkey, ADD CONSTRAINT report_revenue_deltas_pkey PRIMARY KEY (id, account_id);

-- 3. Foreign keys again, through account_id
ALTER TABLE sessions ADD CONSTRAINT sessions_user_id_fkey FOREIGN KEY (user_id, account_id) REFERENCES users(id, account_id) ON DELETE CASCADE;
ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_user_id_fkey FOREIGN KEY (user_id, account_id) REFERENCES users(id, account_id) ON DELETE CASCADE;
ALTER TABLE booking_pages ADD CONSTRAINT booking_pages_owner_id_fkey FOREIGN KEY (owner_id, account_id) REFERENCES users(id, account_id);
ALTER TABLE booking_page_members ADD CONSTRAINT booking_page_members_booking_page_id_fkey FOREIGN KEY (booking_page_id, account_id) REFERENCES booking_pages(id, account_id) ON DELETE CASCADE;
ALTER TABLE booking_page_members ADD CONSTRAINT booking_page_members_user_id_fkey FOREIGN KEY (user_id, account_id) REFERENCES users(id, account_id) ON DELETE CASCADE;
ALTER TABLE event_types ADD CONSTRAINT event_types_booking_page_id_fkey FOREIGN KEY (booking_page_id, account_id) REFERENCES booking_pages(id, account_id) ON DELETE CASCADE;
ALTER TABLE activities ADD CONSTRAINT activities_booking_page_id_fkey FOREIGN KEY (booking_page_id, account_id) REFERENCES booking_pages(id, account_id);
ALTER TABLE activities ADD CONSTRAINT activities_customer_id_fkey FOREIGN KEY (customer_id, account_id) REFERENCES customers(id, account_id);
ALTER TABLE activities ADD CONSTRAINT activities_event_type_id_fkey FOREIGN KEY (event_type_id, account_id) REFERENCES event_types(id, account_id);
ALTER TABLE activities ADD CONSTRAINT activities_owner_id_fkey FOREIGN KEY (owner_id, account_id) REFERENCES users(id, account_id);
ALTER TABLE activities ADD CONSTRAINT activities_reschedules_id_fkey FOREIGN KEY (reschedules_id, account_id) REFERENCES activities(id, account_id);
ALTER TABLE activity_history ADD CONSTRAINT activity_history_activity_id_fkey FOREIGN KEY (activity_id, account_id) REFERENCES activities(id, account_id) ON DELETE CASCADE;
ALTER TABLE activity_relations ADD CONSTRAINT activity_relations_from_id_fkey FOREIGN KEY (from_id, account_id) REFERENCES activities(id, account_id) ON DELETE CASCADE;
ALTER TABLE activity_relations ADD CONSTRAINT activity_relations_to_id_fkey FOREIGN KEY (to_id, account_id) REFERENCES activities(id, account_id) ON DELETE CASCADE;
ALTER TABLE manage_tokens ADD CONSTRAINT manage_tokens_activity_id_fkey FOREIGN KEY (activity_id, account_id) REFERENCES activities(id, account_id) ON DELETE CASCADE;
ALTER TABLE outbox_deliveries ADD CONSTRAINT outbox_deliveries_event_id_fkey FOREIGN KEY (event_id, account_id) REFERENCES outbox_events(id, account_id) ON DELETE CASCADE;
ALTER TABLE saved_filters ADD CONSTRAINT saved_filters_user_id_fkey FOREIGN KEY (user_id, account_id) REFERENCES users(id, account_id) ON DELETE CASCADE;
ALTER TABLE booking_page_hosts ADD CONSTRAINT booking_page_hosts_booking_page_id_fkey FOREIGN KEY (booking_page_id, account_id) REFERENCES booking_pages(id, account_id) ON DELETE CASCADE;
ALTER TABLE booking_page_hosts ADD CONSTRAINT booking_page_hosts_user_id_fkey FOREIGN KEY (user_id, account_id) REFERENCES users(id, account_id) ON DELETE CASCADE;
ALTER TABLE user_weekly_hours ADD CONSTRAINT user_weekly_hours_user_id_fkey FOREIGN KEY (user_id, account_id) REFERENCES users(id, account_id) ON DELETE CASCADE;
ALTER TABLE user_date_overrides ADD CONSTRAINT user_date_overrides_user_id_fkey FOREIGN KEY (user_id, account_id) REFERENCES users(id, account_id) ON DELETE CASCADE;
ALTER TABLE master_page_targets ADD CONSTRAINT master_page_targets_booking_page_id_fkey FOREIGN KEY (booking_page_id, account_id) REFERENCES booking_pages(id, account_id) ON DELETE CASCADE;
ALTER TABLE master_page_targets ADD CONSTRAINT master_page_targets_master_page_id_fkey FOREIGN KEY (master_page_id, account_id) REFERENCES master_pages(id, account_id) ON DELETE CASCADE;
ALTER TABLE master_page_targets ADD CONSTRAINT master_page_targets_user_id_fkey FOREIGN KEY (user_id, account_id) REFERENCES users(id, account_id) ON DELETE CASCADE;
ALTER TABLE booking_holds ADD CONSTRAINT booking_holds_activity_id_fkey FOREIGN KEY (activity_id, account_id) REFERENCES activities(id, account_id) ON DELETE CASCADE;
ALTER TABLE booking_holds ADD CONSTRAINT booking_holds_checkout_id_fkey FOREIGN KEY (checkout_id, account_id) REFERENCES checkouts(id, account_id) ON DELETE CASCADE;
ALTER TABLE booking_holds ADD CONSTRAINT booking_holds_owner_id_fkey FOREIGN KEY (owner_id, account_id) REFERENCES users(id, account_id) ON DELETE CASCADE;
ALTER TABLE user_links ADD CONSTRAINT user_links_created_by_fkey FOREIGN KEY (created_by, account_id) REFERENCES users(id, account_id) ON DELETE SET NULL (created_by);
ALTER TABLE user_links ADD CONSTRAINT user_links_user_id_fkey FOREIGN KEY (user_id, account_id) REFERENCES users(id, account_id) ON DELETE CASCADE;
ALTER TABLE payment_connections ADD CONSTRAINT payment_connections_connected_by_fkey FOREIGN KEY (connected_by, account_id) REFERENCES users(id, account_id) ON DELETE SET NULL (connected_by);
ALTER TABLE checkouts ADD CONSTRAINT checkouts_booking_page_id_fkey FOREIGN KEY (booking_page_id, account_id) REFERENCES booking_pages(id, account_id);
ALTER TABLE checkouts ADD CONSTRAINT checkouts_event_type_id_fkey FOREIGN KEY (event_type_id, account_id) REFERENCES event_types(id, account_id);
ALTER TABLE checkouts ADD CONSTRAINT checkouts_host_id_fkey FOREIGN KEY (host_id, account_id) REFERENCES users(id, account_id);
ALTER TABLE checkouts ADD CONSTRAINT checkouts_moves_activity_id_fkey FOREIGN KEY (moves_activity_id, account_id) REFERENCES activities(id, account_id) ON DELETE CASCADE;
ALTER TABLE payment_records ADD CONSTRAINT payment_records_activity_id_fkey FOREIGN KEY (activity_id, account_id) REFERENCES activities(id, account_id) ON DELETE CASCADE;
ALTER TABLE payment_records ADD CONSTRAINT payment_records_booking_page_id_fkey FOREIGN KEY (booking_page_id, account_id) REFERENCES booking_pages(id, account_id);
ALTER TABLE payment_records ADD CONSTRAINT payment_records_for_activity_id_fkey FOREIGN KEY (for_activity_id, account_id) REFERENCES activities(id, account_id) ON DELETE SET NULL (for_activity_id);
ALTER TABLE payment_records ADD CONSTRAINT payment_records_payment_activity_id_fkey FOREIGN KEY (payment_activity_id, account_id) REFERENCES activities(id, account_id) ON DELETE SET NULL (payment_activity_id);
ALTER TABLE invoice_details ADD CONSTRAINT invoice_details_activity_id_fkey FOREIGN KEY (activity_id, account_id) REFERENCES activities(id, account_id) ON DELETE CASCADE;
ALTER TABLE calendar_connections ADD CONSTRAINT calendar_connections_user_id_fkey FOREIGN KEY (user_id, account_id) REFERENCES users(id, account_id) ON DELETE CASCADE;
ALTER TABLE calendar_busy ADD CONSTRAINT calendar_busy_owner_id_fkey FOREIGN KEY (owner_id, account_id) REFERENCES users(id, account_id) ON DELETE CASCADE;
ALTER TABLE calendar_event_copies ADD CONSTRAINT calendar_event_copies_user_id_fkey FOREIGN KEY (user_id, account_id) REFERENCES users(id, account_id) ON DELETE CASCADE;
ALTER TABLE calendar_feeds ADD CONSTRAINT calendar_feeds_user_id_fkey FOREIGN KEY (user_id, account_id) REFERENCES users(id, account_id) ON DELETE CASCADE;
ALTER TABLE webhook_deliveries ADD CONSTRAINT webhook_deliveries_endpoint_id_fkey FOREIGN KEY (endpoint_id, account_id) REFERENCES webhook_endpoints(id, account_id) ON DELETE CASCADE;
ALTER TABLE webhook_deliveries ADD CONSTRAINT webhook_deliveries_event_id_fkey FOREIGN KEY (event_id, account_id) REFERENCES outbox_events(id, account_id) ON DELETE CASCADE;
ALTER TABLE revenue_ledger ADD CONSTRAINT revenue_ledger_booking_page_id_fkey FOREIGN KEY (booking_page_id, account_id) REFERENCES booking_pages(id, account_id);

-- 4. Exclusion constraints: double bookings and overlapping holds are per account and host.
ALTER TABLE activities DROP CONSTRAINT activities_no_double_booking;
ALTER TABLE activities ADD CONSTRAINT activities_no_double_booking
  EXCLUDE USING gist (account_id WITH =, owner_id WITH =, blocked WITH &&)
  WHERE (type = 'booking' AND status IN ('Scheduled', 'Rescheduled') AND blocked IS NOT NULL);
ALTER TABLE booking_holds DROP CONSTRAINT booking_holds_no_overlap;
ALTER TABLE booking_holds ADD CONSTRAINT booking_holds_no_overlap
  EXCLUDE USING gist (account_id WITH =, owner_id WITH =, blocked WITH &&, holder WITH <>);

-- 5. Unique indexes within the account.
DROP INDEX activity_relations_once_key;
CREATE UNIQUE INDEX activity_relations_once_key ON activity_relations (from_id, kind, account_id)
  WHERE kind IN ('rescheduled_as', 'resubmitted_as');
DROP INDEX saved_filters_name_key;
CREATE UNIQUE INDEX saved_filters_name_key ON saved_filters (user_id, lower(name), account_id);
DROP INDEX user_links_open_reset_key;
CREATE UNIQUE INDEX user_links_open_reset_key ON user_links (user_id, account_id)
  WHERE kind = 'password_reset' AND used_at IS NULL AND revoked_at IS NULL;

-- 6. Names that are unique across accounts: a user's e-mail (sign-in names no account), a booking
-- page's and a master page's address. Each is kept in global_names (a small reference table, the
-- directory a sign-in or a public page reads first to learn the account) by a trigger on its
-- table, and the tables keep a unique index within the account, which serves the lookup.
CREATE TABLE global_names (
  kind text NOT NULL CHECK (kind IN ('user_email', 'booking_page_slug', 'master_page_slug')),
  name text NOT NULL,
  account_id uuid NOT NULL,
  PRIMARY KEY (kind, name)
);
INSERT INTO global_names (kind, name, account_id) SELECT 'user_email', lower(email), account_id FROM users;
INSERT INTO global_names (kind, name, account_id) SELECT 'booking_page_slug', lower(slug), account_id FROM booking_pages WHERE deleted_at IS NULL;
INSERT INTO global_names (kind, name, account_id) SELECT 'master_page_slug', lower(slug), account_id FROM master_pages;

-- TG_ARGV: the kind, the column holding the name, and optionally a column that, when set, frees
-- the name (a deleted booking page's address can be taken again).
CREATE FUNCTION keep_global_name() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  old_name text;
  new_name text;
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND (TG_NARGS < 3 OR to_jsonb(OLD) ->> TG_ARGV[2] IS NULL) THEN
    old_name := lower(to_jsonb(OLD) ->> TG_ARGV[1]);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND (TG_NARGS < 3 OR to_jsonb(NEW) ->> TG_ARGV[2] IS NULL) THEN
    new_name := lower(to_jsonb(NEW) ->> TG_ARGV[1]);
  END IF;
  IF old_name IS NOT DISTINCT FROM new_name THEN RETURN NULL; END IF;
  IF old_name IS NOT NULL THEN
    DELETE FROM global_names WHERE kind = TG_ARGV[0] AND name = old_name AND account_id = OLD.account_id;
  END IF;
  IF new_name IS NOT NULL THEN
    INSERT INTO global_names (kind, name, account_id) VALUES (TG_ARGV[0], new_name, NEW.account_id);
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER users_global_name AFTER INSERT OR DELETE OR UPDATE OF email ON users
  FOR EACH ROW EXECUTE FUNCTION keep_global_name('user_email', 'email');
CREATE TRIGGER booking_pages_global_name AFTER INSERT OR DELETE OR UPDATE OF slug, deleted_at ON booking_pages
  FOR EACH ROW EXECUTE FUNCTION keep_global_name('booking_page_slug', 'slug', 'deleted_at');
CREATE TRIGGER master_pages_global_name AFTER INSERT OR DELETE OR UPDATE OF slug ON master_pages
  FOR EACH ROW EXECUTE FUNCTION keep_global_name('master_page_slug', 'slug');

DROP INDEX users_email_key;
CREATE UNIQUE INDEX users_email_key ON users (account_id, lower(email));
DROP INDEX booking_pages_slug_key;
CREATE UNIQUE INDEX booking_pages_slug_key ON booking_pages (account_id, lower(slug)) WHERE deleted_at IS NULL;
DROP INDEX master_pages_slug_key;
CREATE UNIQUE INDEX master_pages_slug_key ON master_pages (account_id, lower(slug));
