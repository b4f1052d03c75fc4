-- Phrase search at scale (issue 16). A phrase such as "Emma Ferrari" was answered from the GIN
-- index by intersecting the posting lists of its words, then fetching every row of the
-- intersection to check that the words are adjacent. At 15,000,000 activities each common first or
-- last name is in ~250,000 rows: 79 ms a page, most of it in the intersection.
--
-- The search vector now also holds each pair of adjacent words as one lexeme, " emma ferrari". A
-- phrase asks the index for its pairs, which are about as rare as the phrase itself, and checks the
-- phrase on those rows only (activity-search.ts). The spaces keep pairs apart from words: the
-- parser never makes a lexeme with a space, and none of a query's prefixes starts with one. A word
-- prefix matching a pair ('emma':* and "emma ferrari") would not change which rows match, but the
-- pair has no positions, and in a phrase of prefixes (O'Br → 'o':* <-> 'br':*) PostgreSQL then
-- cannot tell whether the words are adjacent and answers no.
--
-- Only words without a digit or "@" pair up: names, page, event type and host names. IDs, e-mails
-- and phone numbers are unique or nearly, so their pairs would add millions of one-row keys to the
-- index and speed nothing up. Both sides apply the same rule to the same parser's output, so a
-- phrase asks only for pairs that a matching row holds; a phrase without such a pair ("555 123")
-- is answered as before.

-- The searchable text's vector: its words with their positions (1, 2, 3, … in order), and its word
-- pairs. It calls only built-in functions: a restore (pg_dump sets an empty search_path) computes
-- the generated column with it.
CREATE FUNCTION activity_search_vector(doc text) RETURNS tsvector
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  WITH v AS (SELECT to_tsvector('simple'::regconfig, doc) AS v),
  w AS (SELECT u.lexeme, p FROM v, unnest(v.v) AS u, unnest(u.positions) AS p WHERE u.lexeme !~ '[0-9@]')
  SELECT v.v || array_to_tsvector(coalesce(
    (SELECT array_agg(DISTINCT ' ' || a.lexeme || ' ' || b.lexeme) FROM w AS a JOIN w AS b ON b.p = a.p + 1), '{}'))
  FROM v
$$;

-- What a phrase asks the index for: all its pairs (AND), or, with none, the phrase itself. The
-- pairs are those of the phrase's own vector: its lexemes that start with a space.
CREATE FUNCTION activity_search_phrase_pairs(phrase text) RETURNS tsquery
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(
    (SELECT string_agg('''' || replace(replace(p, '\', '\\'), '''', '''''') || '''', ' & ')::tsquery
     FROM unnest(tsvector_to_array(activity_search_vector(phrase))) AS p WHERE p LIKE ' %'),
    phraseto_tsquery('simple'::regconfig, phrase))
$$;

-- PostgreSQL 15 cannot change a generated column's expression: the column is made again (a rewrite
-- of the table) with the same text as migration 001, and its index with it.
ALTER TABLE activities DROP COLUMN search;
ALTER TABLE activities ADD COLUMN search tsvector GENERATED ALWAYS AS (
  activity_search_vector(
    coalesce(id, '') || ' ' || coalesce(customer_name, '') || ' ' || coalesce(customer_email, '') || ' ' ||
    coalesce(customer_phone, '') || ' ' || coalesce(page_name, '') || ' ' || coalesce(event_type_name, '') || ' ' ||
    coalesce(owner_name, ''))
) STORED;
CREATE INDEX activities_search_idx ON activities USING gin (search);
