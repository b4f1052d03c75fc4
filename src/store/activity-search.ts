import { sql, type Expression, type ExpressionBuilder, type SqlBool } from "kysely";
import type { SearchNode } from "../domain/search-query.js";
import type { Database } from "./schema.js";

/**
 * Compiles a parsed Activity-stream query (src/domain/search-query.ts) into a WHERE condition on
 * the unaliased `activities` table. Every piece of user text is a bound parameter; the SQL text
 * holds only column names and constants. Runs on PostgreSQL 15 and PGlite.
 *
 * Free-text words go through the `activities.search` tsvector (GIN index activities_search_idx),
 * built with the 'simple' configuration: lower-cased tokens, no stemming, no stop words, plus each
 * pair of adjacent words as one lexeme for phrases (migration 030_search_word_pairs.sql).
 */

type ActivitiesExpressions = ExpressionBuilder<Database, "activities">;

const SEARCH = sql.ref("activities.search");

/** A tsquery quoted operand: single quotes doubled, backslashes escaped (tsquery's own syntax). */
export function quoteTsQueryOperand(text: string): string {
  return `'${text.replace(/\\/g, "\\\\").replace(/'/g, "''")}'`;
}

/**
 * The to_tsquery('simple', …) input matching every whitespace-separated word of `text` as a
 * prefix: "ann lee" → `'ann':* & 'lee':*`.
 *
 * Each word stays one quoted operand rather than being split here: to_tsquery runs PostgreSQL's
 * own parser over it, which splits it exactly as to_tsvector split the stored text and joins the
 * pieces with <-> (adjacent) — `'anne-ma':*` becomes `'anne-ma':* <-> 'anne':* <-> 'ma':*`,
 * `'555-12':*` becomes `'555':* <-> '-12':*` (the parser keeps the dash of "-123" in a phone).
 * Splitting at "-" in JS would lose those signed-number tokens and match fewer phones.
 * Words without a letter or digit are dropped (the parser rejects such queries beforehand).
 */
export function prefixTsQuery(text: string): string {
  return text
    .split(/\s+/)
    .filter((word) => /[\p{L}\p{N}]/u.test(word))
    .map((word) => `${quoteTsQueryOperand(word)}:*`)
    .join(" & ");
}

/** LIKE/ILIKE pattern text matching `text` literally (backslash is PostgreSQL's default LIKE escape). */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

const contains = (text: string) => `%${escapeLike(text)}%`;
const startsWith = (text: string) => `${escapeLike(text)}%`;
const NEVER = sql<SqlBool>`false`;

/** A word: every token of it as a prefix, anywhere in the searchable text. */
function wordCondition(word: string): Expression<SqlBool> {
  const tsquery = prefixTsQuery(word);
  if (tsquery === "") return NEVER;
  if (!word.includes("@")) return sql<SqlBool>`${SEARCH} @@ to_tsquery('simple', ${tsquery})`;
  // The parser stores a whole email as one lexeme ('ann@example.com') but splits a partial one
  // ("ann@exa" → 'ann' <-> 'exa'), which then matches nothing. So also try the word as one raw
  // lexeme prefix: a cast to tsquery does not re-parse it. Both sides use the GIN index.
  const rawLexeme = `${quoteTsQueryOperand(word.toLowerCase())}:*`;
  return sql<SqlBool>`${SEARCH} @@ (to_tsquery('simple', ${tsquery}) || cast(${rawLexeme} as tsquery))`;
}

function fieldCondition(
  eb: ActivitiesExpressions,
  node: Extract<SearchNode, { kind: "field" }>,
  accountId: string,
): Expression<SqlBool> {
  const { value, prefix } = node;
  switch (node.field) {
    case "id":
      return prefix ? eb("activities.id", "like", startsWith(value)) : eb("activities.id", "=", value);
    case "status":
      return eb("activities.status", "=", value);
    case "detailed":
      return eb("activities.detailed_status", "ilike", contains(value));
    case "type":
      return eb("activities.type", "=", value as "booking" | "package" | "transaction");
    case "page":
      // Pages are few per account: resolve them first, then use activities_page_idx.
      return eb(
        "activities.booking_page_id",
        "in",
        eb
          .selectFrom("booking_pages")
          .select("booking_pages.id")
          .where("booking_pages.account_id", "=", accountId)
          .where((pages) =>
            pages.or([
              pages(pages.fn("lower", ["booking_pages.slug"]), "=", pages.fn("lower", [pages.val(value)])),
              pages("booking_pages.name", "ilike", contains(value)),
            ]),
          ),
      );
    case "owner":
      return eb(
        "activities.owner_id",
        "in",
        eb
          .selectFrom("users")
          .select("users.id")
          .where("users.account_id", "=", accountId)
          .where((users) =>
            users.or([
              users(users.fn("lower", ["users.email"]), "=", users.fn("lower", [users.val(value)])),
              users("users.name", "ilike", contains(value)),
            ]),
          ),
      );
    case "email": {
      // Same expression as activities_email_idx (account_id, lower(customer_email)).
      const email = eb.fn<string>("lower", ["activities.customer_email"]);
      return prefix
        ? eb(email, "like", eb.fn<string>("lower", [eb.val(startsWith(value))]))
        : eb(email, "=", eb.fn<string>("lower", [eb.val(value)]));
    }
    case "name": {
      // The tsquery narrows through the GIN index (which covers every searchable column); the
      // ILIKE then keeps the rows where the match is in the customer's name.
      const tsquery = prefixTsQuery(value);
      if (tsquery === "") return NEVER;
      return eb.and([
        sql<SqlBool>`${SEARCH} @@ to_tsquery('simple', ${tsquery})`,
        eb("activities.customer_name", "ilike", prefix ? startsWith(value) : contains(value)),
      ]);
    }
    case "paypal":
      // The transactions carrying this PayPal ID (a capture's ID is on its payment and its refunds).
      return eb(
        "activities.id",
        "in",
        eb
          .selectFrom("payment_records")
          .select("payment_records.activity_id")
          .where("payment_records.account_id", "=", accountId)
          .where((r) =>
            r.or([
              r("payment_records.paypal_capture_id", "=", value),
              r("payment_records.paypal_order_id", "=", value),
              r("payment_records.paypal_refund_id", "=", value),
              // Refunds made from Bookstream name their payment, not the capture.
              r(
                "payment_records.payment_activity_id",
                "in",
                r.selectFrom("payment_records as paid").select("paid.activity_id").where("paid.account_id", "=", accountId).where("paid.paypal_capture_id", "=", value),
              ),
            ]),
          ),
      );
    case "phone": {
      // Phones are stored as typed ("+1 (555) 123-4567"): compare digits only when there are any.
      const digits = value.replace(/\D/g, "");
      if (digits === "") return eb("activities.customer_phone", "ilike", contains(value));
      return sql<SqlBool>`regexp_replace(${sql.ref("activities.customer_phone")}, '[^0-9]', '', 'g') like ${contains(digits)}`;
    }
  }
}

function compile(eb: ActivitiesExpressions, node: SearchNode, accountId: string): Expression<SqlBool> {
  switch (node.kind) {
    case "word":
      return wordCondition(node.value);
    case "phrase":
      // The index is asked for the phrase's word pairs (" emma ferrari", migration 030), about as
      // rare as the phrase; the phrase itself is then checked on those rows only. ts_match_vq is
      // @@ spelled as a function, which the planner does not take to the index: asked for the
      // phrase too, it would intersect each word's posting list again.
      return sql<SqlBool>`(${SEARCH} @@ activity_search_phrase_pairs(${node.value}) and ts_match_vq(${SEARCH}, phraseto_tsquery('simple', ${node.value})))`;
    case "ids":
      return node.ids.length === 0 ? NEVER : eb("activities.id", "in", node.ids);
    case "field":
      return fieldCondition(eb, node, accountId);
    case "and":
      return eb.and(node.items.map((item) => compile(eb, item, accountId)));
    case "or":
      return eb.or(node.items.map((item) => compile(eb, item, accountId)));
    case "not":
      // IS NOT TRUE, not NOT: a NULL column (no email, no page) is "not matching", so
      // "-email:ann@example.com" keeps the activities that have no email at all.
      return sql<SqlBool>`(${compile(eb, node.item, accountId)}) is not true`;
  }
}

/**
 * The WHERE condition for a parsed query, for `db.selectFrom("activities")….where(searchCondition(node, accountId))`.
 * `accountId` scopes the page and owner look-ups; the caller still scopes activities by account.
 */
export function searchCondition(node: SearchNode, accountId: string): (eb: ActivitiesExpressions) => Expression<SqlBool> {
  return (eb) => compile(eb, node, accountId);
}
