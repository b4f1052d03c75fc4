-- Connected calendars (CalDAV), their busy times, the events Bookstream wrote into them, and each
-- user's private ICS feed.

-- One connection per user. The app password is sealed (src/app/secrets.ts) and never returned.
CREATE TABLE calendar_connections (
  user_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  provider text NOT NULL DEFAULT 'caldav' CHECK (provider IN ('caldav')),
  server_url text NOT NULL,
  username text NOT NULL,
  password_sealed text NOT NULL,
  calendar_url text NOT NULL,
  calendar_name text,
  connected_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  -- When busy times were last read from the calendar, and why the last read failed (if it did).
  busy_fetched_at timestamptz,
  busy_error text
);
CREATE INDEX calendar_connections_account ON calendar_connections (account_id);

-- The calendar's busy times as last read (replaced whole on each refresh); they join the
-- bookings and holds as busy time in scheduling (scheduling-repo.ts busyQuery).
CREATE TABLE calendar_busy (
  id bigserial PRIMARY KEY,
  account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  owner_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  blocked tstzrange NOT NULL
);
CREATE INDEX calendar_busy_owner ON calendar_busy USING gist (owner_id, blocked);

-- Which user's calendar holds a booking's event, and where: a reassign removes it from the old
-- host's calendar, a cancel updates only an event that was written.
CREATE TABLE calendar_event_copies (
  account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  activity_id text NOT NULL,
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  object_url text NOT NULL,
  written_at timestamptz NOT NULL,
  PRIMARY KEY (account_id, activity_id, user_id)
);

-- Each user's private feed: the secret token is stored hashed (SHA-256), shown once.
CREATE TABLE calendar_feeds (
  user_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  token_hash text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL
);
