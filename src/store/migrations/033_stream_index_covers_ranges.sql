-- The stream's index carries the creation and meeting times (issue 16, "created a year ago" at 15M).
--
-- A date range in the stream's default order (last updated first) cannot be read in order from
-- any one index, so its page is found by walking the stream and keeping the rows in the range
-- (src/store/stream-repo.ts, pageOfUncertainMatches). Until now that walk fetched every row it
-- passed from the table; with the times and trashed_at in the index it reads the index alone
-- (an index-only scan: heap fetches only for pages changed since the last vacuum), so a walk of
-- tens of thousands of rows is cheap enough to go before collecting a range of hundreds of
-- thousands and sorting it — the 187 ms "created a year ago" case at 15,000,000 activities, where
-- fresh changes had pushed the range's rows out of the first window.
--
-- The key is unchanged (every stream read walks it as before); an entry grows by 24 bytes. A state
-- change writes one entry here either way (updated_at is in the key), so no change gains a record.
-- Built under a new name and renamed, so readers and the README keep the one name.
CREATE INDEX activities_stream_covering_idx ON activities (account_id, updated_at DESC, id DESC) INCLUDE (created_at, start_at, trashed_at);
DROP INDEX activities_stream_idx;
ALTER INDEX activities_stream_covering_idx RENAME TO activities_stream_idx;
