-- Origins (scheme://host[:port]) allowed to show this account's public booking pages in a frame
-- (an <iframe> on the business's own site). Empty: only Bookstream itself may frame them.
ALTER TABLE accounts ADD COLUMN embed_origins text[] NOT NULL DEFAULT '{}';
