-- The search vector's function (migration 030) as PL/pgSQL, with the same body and the same
-- result. PostgreSQL 15 parses and plans a SQL function's body anew in every statement that calls
-- it, and the generated column `search` calls it in every INSERT and UPDATE of an activity: a
-- booking, an approval, a cancellation each paid ~0.15–0.25 ms of planning for it (pgbench, one
-- single-row insert per statement: 0.50–0.59 ms → 0.33–0.38 ms). PL/pgSQL keeps the plan of its
-- query for the session. Row for row in one statement (the bulk seed) the two cost the same.
--
-- Replacing it leaves the stored vectors as they are: the result is identical, which
-- test/search-word-pairs.test.ts checks against migration 030's body on generated texts. It still
-- calls only built-in functions (a restore runs with an empty search_path) and still needs no SET
-- clause (one would cost a configuration change on every call).
CREATE OR REPLACE FUNCTION activity_search_vector(doc text) RETURNS tsvector
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  v tsvector := to_tsvector('simple'::regconfig, doc);
BEGIN
  RETURN v || array_to_tsvector(coalesce(
    (WITH w AS (SELECT u.lexeme, p FROM unnest(v) AS u, unnest(u.positions) AS p WHERE u.lexeme !~ '[0-9@]')
     SELECT array_agg(DISTINCT ' ' || a.lexeme || ' ' || b.lexeme) FROM w AS a JOIN w AS b ON b.p = a.p + 1),
    '{}'));
END
$$;
