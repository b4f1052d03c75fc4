-- Running the business from the web app (issue 10): deactivated users, invitation and password
-- reset links, deleted booking pages and event types, and the account's look on customer pages.
-- PostgreSQL 15 syntax.

-- A deactivated user cannot sign in (their sessions and API tokens are removed when they are
-- deactivated, and sign-in checks this column) but keeps their history and their bookings.
ALTER TABLE users ADD COLUMN deactivated_at timestamptz;

-- One-time links: an invitation to join the account (the invitee picks a name and password) or
-- a password reset made by an admin. The token is random and stored hashed; each link expires
-- and works once. Only one open link per invitee e-mail or per user: a new one replaces it.
CREATE TABLE user_links (
  id uuid PRIMARY KEY,
  token_hash text NOT NULL UNIQUE,
  account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('invitation', 'password_reset')),
  email text NOT NULL,
  -- An invitation's role; NULL for a password reset.
  role text CHECK (role IN ('admin', 'member')),
  -- A password reset's user; an invitation's user once it is accepted.
  user_id uuid REFERENCES users(id) ON DELETE CASCADE,
  created_by uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  revoked_at timestamptz,
  CHECK ((kind = 'invitation') = (role IS NOT NULL)),
  CHECK (kind = 'invitation' OR user_id IS NOT NULL)
);
CREATE INDEX user_links_account_idx ON user_links (account_id, kind, created_at DESC);
CREATE UNIQUE INDEX user_links_open_invitation_key ON user_links (account_id, lower(email))
  WHERE kind = 'invitation' AND used_at IS NULL AND revoked_at IS NULL;
CREATE UNIQUE INDEX user_links_open_reset_key ON user_links (user_id)
  WHERE kind = 'password_reset' AND used_at IS NULL AND revoked_at IS NULL;

-- Deleted booking pages and event types stay as rows: past activities point at them (and their
-- editors and viewers keep seeing that history). A deleted page frees its address.
ALTER TABLE booking_pages ADD COLUMN deleted_at timestamptz;
ALTER TABLE event_types ADD COLUMN deleted_at timestamptz;
DROP INDEX booking_pages_slug_key;
CREATE UNIQUE INDEX booking_pages_slug_key ON booking_pages (lower(slug)) WHERE deleted_at IS NULL;

-- The account on its customer pages: a logo (a small image kept here, so the pages need no other
-- origin), an accent colour, and the time zone new users and booking pages start with.
ALTER TABLE accounts
  ADD COLUMN logo bytea,
  ADD COLUMN logo_type text CHECK (logo_type IN ('image/png', 'image/jpeg', 'image/webp', 'image/gif')),
  ADD COLUMN logo_updated_at timestamptz,
  ADD COLUMN brand_color text CHECK (brand_color ~ '^#[0-9a-f]{6}$'),
  ADD COLUMN default_time_zone text NOT NULL DEFAULT 'UTC',
  ADD CONSTRAINT accounts_logo_complete CHECK ((logo IS NULL) = (logo_type IS NULL));
