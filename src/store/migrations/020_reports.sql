-- Reports (issue 15). The summary's "created by" dimension: who made the activity — the customer,
-- a user (booking or rescheduling on the customer's behalf, approving nothing), or the system.
-- Written with the activity by the application; here read once from each activity's first history row.
ALTER TABLE activities ADD COLUMN created_by text CHECK (created_by IN ('customer', 'user', 'system'));

UPDATE activities a SET created_by = h.actor_type
FROM (
  SELECT DISTINCT ON (account_id, activity_id) account_id, activity_id, actor_type
  FROM activity_history ORDER BY account_id, activity_id, id
) h
WHERE h.account_id = a.account_id AND h.activity_id = a.id;
