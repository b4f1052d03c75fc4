import fc from "fast-check";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prefixTsQuery } from "../src/store/activity-search.js";
import { openDatabase, type DatabaseHandle } from "../src/store/database.js";
import { ENGINES, createFileSchema } from "./support/harness.js";

/**
 * Migration 030: the search vector also holds each pair of adjacent words as one lexeme, and a
 * phrase asks the index for its pairs before the phrase itself is checked. Whatever the text and
 * the phrase, that must find exactly the rows the plain phrase search finds (no row lost because
 * a pair was missing, none gained), and a word's prefix search must match as it did without the
 * pairs. Checked here against to_tsvector itself, on generated texts from awkward words: names
 * with hyphens and apostrophes, e-mails, phone pieces, IDs, accents. Migration 032 made the function
 * PL/pgSQL (its plan kept per session): its vectors must equal migration 030's.
 */
const WORDS = [
  "Emma", "emma", "Ferrari", "ferrari", "Anne-Marie", "O'Brien", "Müller", "Lee", "lee", "Ann", "ann", "follow-up", "Intro", "call",
  "555", "123-4567", "+1", "(555)", "ann@example.com", "emma.ferrari.12@example.org", "BKNG-ABCDEFGH", "BKNG-AB12CD34", "x1", "a",
  "-", "/", "São", "Paulo", "l'été", "O'Br", "Em",
];
const word = fc.constantFrom(...WORDS);
const text = fc.array(word, { minLength: 0, maxLength: 12 }).map((w) => w.join(" "));

describe.each(ENGINES)("search word pairs on $name", (engine) => {
  let handle: DatabaseHandle;
  let drop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const isolated = engine.url ? await createFileSchema(engine.url) : undefined;
    drop = isolated?.drop;
    handle = await openDatabase({ databaseUrl: isolated?.url });
  });
  afterAll(async () => {
    await handle?.close();
    await drop?.();
  });

  /** For each (text, phrase): [plain phrase match, match through the pairs]. One statement per batch. */
  async function phraseMatches(cases: [string, string][]): Promise<[boolean, boolean][]> {
    const rows = (
      await sql<{ plain: boolean; paired: boolean }>`
        SELECT to_tsvector('simple', c.doc) @@ phraseto_tsquery('simple', c.phrase) AS plain,
               (activity_search_vector(c.doc) @@ activity_search_phrase_pairs(c.phrase)
                 AND ts_match_vq(activity_search_vector(c.doc), phraseto_tsquery('simple', c.phrase))) AS paired
          FROM unnest(${cases.map((c) => c[0])}::text[], ${cases.map((c) => c[1])}::text[]) WITH ORDINALITY AS c(doc, phrase, n)
         ORDER BY c.n`.execute(handle.db)
    ).rows;
    return rows.map((r) => [r.plain, r.paired]);
  }

  it("a phrase through its pairs finds exactly what the plain phrase search finds", async () => {
    // Phrases cut from the text itself (so most match) and phrases of their own (most do not).
    const fromText = text.chain((doc) => {
      const words = doc.split(" ");
      return fc.tuple(fc.nat(words.length), fc.integer({ min: 1, max: 4 })).map(([at, n]) => [doc, words.slice(at, at + n).join(" ")] as [string, string]);
    });
    const anyPhrase = fc.tuple(text, fc.array(word, { minLength: 1, maxLength: 3 }).map((w) => w.join(" ")));
    let matched = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(fromText, anyPhrase), { minLength: 50, maxLength: 50 }), async (cases) => {
        const nonEmpty = cases.filter(([, phrase]) => /[\p{L}\p{N}]/u.test(phrase));
        if (nonEmpty.length === 0) return;
        const got = await phraseMatches(nonEmpty);
        got.forEach(([plain, paired], i) => expect(paired, JSON.stringify(nonEmpty[i])).toBe(plain));
        matched += got.filter(([plain]) => plain).length;
      }),
      { numRuns: 40 },
    );
    expect(matched, "the generated phrases must match sometimes, or the check proves nothing").toBeGreaterThan(200);
  });

  it("known cases: adjacent words match in order only; hyphens, apostrophes, digits and e-mails", async () => {
    const cases: [string, string, boolean][] = [
      ["BKNG-AB12 Emma Ferrari emma.f@example.com +1 (555) 123-4567 Intro call Anne-Marie O'Brien", "Emma Ferrari", true],
      ["BKNG-AB12 Emma Ferrari emma.f@example.com", "Ferrari Emma", false],
      ["Emma Lee Ferrari", "Emma Ferrari", false],
      ["Emma Ferrari", "emma", true],
      ["x +1 (555) 123-4567", "555 123", true],
      ["x +1 (555) 123-4567", "123 555", false],
      ["Intro call Anne-Marie O'Brien", "call Anne-Marie O'Brien", true],
      ["Intro call Anne-Marie O'Brien", "Anne Marie", true],
      ["Intro call Anne-Marie O'Brien", "Marie Anne", false],
      ["Emma Ferrari emma.ferrari.12@example.org", "Ferrari emma.ferrari.12@example.org", true],
    ];
    const got = await phraseMatches(cases.map(([doc, phrase]) => [doc, phrase]));
    expect(got).toEqual(cases.map(([, , want]) => [want, want]));
  });

  it("a word's prefix search matches as it did without the pairs", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(text, word.map((w) => w.slice(0, Math.max(1, Math.ceil(w.length / 2))))), { minLength: 50, maxLength: 50 }), async (cases) => {
        const usable = cases.map(([doc, w]) => [doc, prefixTsQuery(w)] as const).filter(([, q]) => q !== "");
        if (usable.length === 0) return;
        const rows = (
          await sql<{ plain: boolean; paired: boolean }>`
            SELECT to_tsvector('simple', c.doc) @@ to_tsquery('simple', c.q) AS plain, activity_search_vector(c.doc) @@ to_tsquery('simple', c.q) AS paired
              FROM unnest(${usable.map((c) => c[0])}::text[], ${usable.map((c) => c[1])}::text[]) WITH ORDINALITY AS c(doc, q, n)
             ORDER BY c.n`.execute(handle.db)
        ).rows;
        rows.forEach((r, i) => expect(r.paired, JSON.stringify(usable[i])).toBe(r.plain));
      }),
      { numRuns: 20 },
    );
  });

  it("migration 032's PL/pgSQL function gives the vectors migration 030's SQL body gave", async () => {
    // The stored vectors were made by the SQL body and are not recomputed: the two must agree.
    await handle.db.transaction().execute(async (trx) => {
      await sql`
        CREATE FUNCTION pg_temp.search_vector_030(doc text) RETURNS tsvector LANGUAGE sql IMMUTABLE STRICT AS $$
          WITH v AS (SELECT to_tsvector('simple'::regconfig, doc) AS v),
          w AS (SELECT u.lexeme, p FROM v, unnest(v.v) AS u, unnest(u.positions) AS p WHERE u.lexeme !~ '[0-9@]')
          SELECT v.v || array_to_tsvector(coalesce(
            (SELECT array_agg(DISTINCT ' ' || a.lexeme || ' ' || b.lexeme) FROM w AS a JOIN w AS b ON b.p = a.p + 1), '{}'))
          FROM v
        $$`.execute(trx);
      let paired = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(text, { minLength: 50, maxLength: 50 }), async (docs) => {
          const rows = (
            await sql<{ doc: string; now: string; then: string }>`
              SELECT c.doc, activity_search_vector(c.doc)::text AS now, pg_temp.search_vector_030(c.doc)::text AS then
                FROM unnest(${docs}::text[]) AS c(doc)`.execute(trx)
          ).rows;
          for (const r of rows) expect(r.now, JSON.stringify(r.doc)).toBe(r.then);
          paired += rows.filter((r) => r.now.includes("' ")).length;
        }),
        { numRuns: 20 },
      );
      expect(paired, "the generated texts must make word pairs, or the check proves little").toBeGreaterThan(200);
      const language = (
        await sql<{ lanname: string }>`
          SELECT l.lanname FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang WHERE p.oid = to_regproc('activity_search_vector')`.execute(trx)
      ).rows;
      // PL/pgSQL keeps its query's plan per session; a SQL body is planned in every statement (PostgreSQL 15).
      // The function this file's search_path finds: on PostgreSQL every test file has its own
      // schema with its own copy, so matching by name alone also counted other files' copies.
      expect(language).toEqual([{ lanname: "plpgsql" }]);
    });
  });

  it("the planner takes the phrase's pair to the index, as a constant", async () => {
    const plan = await handle.db.transaction().execute(async (trx) => {
      await sql`SET LOCAL enable_seqscan = off`.execute(trx);
      const rows = (
        await sql<{ "QUERY PLAN": string }>`
          EXPLAIN SELECT id FROM activities
           WHERE search @@ activity_search_phrase_pairs(${"Emma Ferrari"}) AND ts_match_vq(search, phraseto_tsquery('simple', ${"Emma Ferrari"}))`.execute(trx)
      ).rows;
      return rows.map((r) => r["QUERY PLAN"]).join("\n");
    });
    expect(plan).toMatch(/Index Cond: \(search @@ ''' emma ferrari'''::tsquery\)/);
    expect(plan).not.toMatch(/Index Cond:.*<->/);
    expect(plan).toMatch(/Filter: ts_match_vq\(search, '''emma'' <-> ''ferrari'''::tsquery\)/);
  });
});
