-- E-mail notifications (issue 12).

-- The sender of an account's e-mails (account settings); null: the account's name and the
-- installation's no-reply address.
ALTER TABLE accounts ADD COLUMN email_sender_name text;
ALTER TABLE accounts ADD COLUMN email_sender_address text;

-- Per booking page: which default notifications are sent, and when reminders and follow-ups fall
-- due. No row: every notification on, reminder 24 h before, follow-up 2 h after the end.
CREATE TABLE notification_settings (
  account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  booking_page_id uuid NOT NULL,
  disabled_kinds text[] NOT NULL DEFAULT '{}',
  reminder_hours integer NOT NULL DEFAULT 24 CHECK (reminder_hours BETWEEN 1 AND 336),
  follow_up_hours integer NOT NULL DEFAULT 2 CHECK (follow_up_hours BETWEEN 0 AND 336),
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (booking_page_id)
);
CREATE INDEX notification_settings_account ON notification_settings (account_id);

-- Custom templates per booking page, kind and audience (customer or host).
CREATE TABLE email_templates (
  account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  booking_page_id uuid NOT NULL,
  kind text NOT NULL,
  audience text NOT NULL CHECK (audience IN ('customer', 'host')),
  subject text NOT NULL,
  body_text text NOT NULL,
  body_html text,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (booking_page_id, kind, audience)
);

-- Reminders and follow-ups, decided once per booking and meeting time: the unique key is what
-- makes them never sent twice (several workers, restarts, catch-up after downtime). A follow-up
-- that falls due on a No-show or canceled booking is recorded as skipped, with why.
CREATE TABLE scheduled_notifications (
  account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  activity_id text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('reminder', 'follow-up')),
  for_start timestamptz NOT NULL,
  due_at timestamptz NOT NULL,
  decided_at timestamptz NOT NULL,
  outcome text NOT NULL CHECK (outcome IN ('sent', 'skipped')),
  note text,
  PRIMARY KEY (activity_id, kind, for_start)
);

-- Every message sent (or, without SMTP_URL, kept here instead): the "Sent mail" viewer and each
-- activity's "Confirmation e-mailed 10:02". message_id is derived from the outbox event, so a
-- retried delivery never records (or sends) the same message twice. Manage links are stored
-- with their token hidden.
CREATE TABLE sent_emails (
  id bigserial PRIMARY KEY,
  message_id text NOT NULL UNIQUE,
  account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  activity_id text,
  event_id bigint,
  kind text NOT NULL,
  audience text NOT NULL,
  transport text NOT NULL CHECK (transport IN ('smtp', 'local')),
  sender text NOT NULL,
  recipient text NOT NULL,
  subject text NOT NULL,
  body_text text NOT NULL,
  body_html text NOT NULL,
  headers jsonb NOT NULL DEFAULT '{}',
  attachments jsonb NOT NULL DEFAULT '[]',
  sent_at timestamptz NOT NULL
);
CREATE INDEX sent_emails_account ON sent_emails (account_id, id DESC);
CREATE INDEX sent_emails_activity ON sent_emails (account_id, activity_id);

-- The minute's look for due reminders and follow-ups reads only bookings near now (at most 336 h,
-- the longest setting, either side), through these.
CREATE INDEX activities_reminder_due_idx ON activities (start_at) WHERE type = 'booking' AND status IN ('Scheduled', 'Rescheduled');
CREATE INDEX activities_follow_up_due_idx ON activities (end_at) WHERE type = 'booking' AND status IN ('Scheduled', 'Rescheduled', 'Completed', 'No-show');
