-- Invoices (issue 11): the business and tax an invoice or credit note shows, as they were when its
-- transaction was made. A document downloaded later — after the address, the tax ID or the tax
-- rate changed — still says what it said the first time. Transactions made before this migration
-- get theirs at their first download. PostgreSQL 15 syntax.
CREATE TABLE invoice_details (
  activity_id text PRIMARY KEY REFERENCES activities(id) ON DELETE CASCADE,
  account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  seller_name text NOT NULL,
  seller_address text,
  seller_tax_id text,
  tax_name text,
  tax_rate_bp integer CHECK (tax_rate_bp BETWEEN 0 AND 10000),
  time_zone text NOT NULL,
  recorded_at timestamptz NOT NULL
);
