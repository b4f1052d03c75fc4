-- The Salesforce connector (issue 13): the account's connection (tokens sealed with the secret box),
-- OAuth states against CSRF, user matches, the per-booking-page switch, and one Event per booking.

CREATE TABLE salesforce_connections (
  account_id uuid PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
  login_url text NOT NULL,
  client_id text NOT NULL,
  client_secret_sealed text NOT NULL,
  -- Set once the OAuth flow completes; null while only the connected app is configured.
  instance_url text,
  access_token_sealed text,
  refresh_token_sealed text,
  sf_user_id text,
  sf_username text,
  sf_org_id text,
  api_version text NOT NULL DEFAULT '62.0',
  status_field text NOT NULL DEFAULT 'Event_Status__c',
  reason_field text NOT NULL DEFAULT 'Cancel_Reschedule_Reason__c',
  -- The custom fields the last describe of Event found missing (API names); null: never checked.
  missing_fields text[],
  no_match text NOT NULL DEFAULT 'lead' CHECK (no_match IN ('lead', 'contact', 'skip')),
  connected_by uuid,
  connected_at timestamptz,
  updated_at timestamptz NOT NULL
);

CREATE TABLE salesforce_oauth_states (
  state_hash text PRIMARY KEY,
  account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  user_id uuid NOT NULL,
  expires_at timestamptz NOT NULL
);

-- Bookstream user → Salesforce User (005…): found by e-mail, or set by an admin (manual).
CREATE TABLE salesforce_user_matches (
  account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  user_id uuid NOT NULL,
  sf_user_id text,
  manual boolean NOT NULL DEFAULT false,
  PRIMARY KEY (account_id, user_id)
);

-- "Create Salesforce Activity Events" per booking page; no row: on (the default).
CREATE TABLE salesforce_page_settings (
  account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  booking_page_id uuid NOT NULL,
  create_events boolean NOT NULL,
  PRIMARY KEY (account_id, booking_page_id)
);

-- Customer e-mail → the Contact or Lead it matched (saves a query per booking of a returning customer).
CREATE TABLE salesforce_people (
  account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  email text NOT NULL,
  who_id text NOT NULL,
  PRIMARY KEY (account_id, email)
);

-- One Event per booking. who_id/what_id may be set before the Event exists (scheduled from a
-- CRM record); create_started_at marks a create whose answer was lost, so a retry looks first.
CREATE TABLE salesforce_events (
  account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  activity_id text NOT NULL,
  sf_event_id text,
  who_id text,
  what_id text,
  state text NOT NULL DEFAULT 'pending',
  note text,
  create_started_at timestamptz,
  synced_at timestamptz,
  PRIMARY KEY (account_id, activity_id)
);
