-- Since migration 025 a foreign key matches (column, account_id), so PostgreSQL's check of the rows
-- referring to a deleted customer or activity asks for both, and the indexes that lead with
-- (account_id, column) answer it. These three, on the column alone (migration 019), no longer
-- serve anything; the first one cost every state change of a booking an index entry (1 WAL record,
-- 72 bytes; bench/index-cost.ts). The stream's activities_customer_idx, and payment_records_for_idx
-- and payment_records_payment_idx (migration 009), do their work.
DROP INDEX activities_customer_ref_idx;
DROP INDEX payment_records_for_ref_idx;
DROP INDEX payment_records_payment_ref_idx;
