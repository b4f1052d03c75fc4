import { describe, it, expect } from "vitest";
import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler } from "kysely";
import { DomainError } from "../src/domain/errors.js";
import { parseSearchQuery, SEARCH_FIELDS, SEARCH_GRAMMAR_HELP, type SearchNode } from "../src/domain/search-query.js";
import { escapeLike, prefixTsQuery, quoteTsQueryOperand, searchCondition } from "../src/store/activity-search.js";
import type { Database } from "../src/store/schema.js";

// Pure parser + SQL text tests: no database is opened here (the queries are only compiled).

const B1 = "BKNG-AAAAAAAAAAA1";
const B2 = "BKNG-AAAAAAAAAAA2";
const P1 = "PKG-CCCCCCCCC3";
const T1 = "TXN-DDDDDDD4";

const word = (value: string): SearchNode => ({ kind: "word", value });
const phrase = (value: string): SearchNode => ({ kind: "phrase", value });
const and = (...items: SearchNode[]): SearchNode => ({ kind: "and", items });
const or = (...items: SearchNode[]): SearchNode => ({ kind: "or", items });
const not = (item: SearchNode): SearchNode => ({ kind: "not", item });
const ids = (...list: string[]): SearchNode => ({ kind: "ids", ids: list });
const field = (f: (typeof SEARCH_FIELDS)[number], value: string, prefix = false): SearchNode => ({ kind: "field", field: f, value, prefix });

/** The invalid_query error `q` throws (fails the test if it parses). */
function parseError(q: string): DomainError {
  try {
    parseSearchQuery(q);
  } catch (err) {
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe("invalid_query");
    expect((err as DomainError).details.query).toBe(q);
    return err as DomainError;
  }
  throw new Error(`expected ${JSON.stringify(q)} to be rejected`);
}

describe("parseSearchQuery: terms and operators", () => {
  it("returns null when there is nothing to search for", () => {
    for (const q of ["", "   ", "\n\t", " , ; ,"]) expect(parseSearchQuery(q)).toBeNull();
  });

  it("ANDs words separated by whitespace, commas and semicolons", () => {
    expect(parseSearchQuery("ann")).toEqual(word("ann"));
    expect(parseSearchQuery("  ann   lee ")).toEqual(and(word("ann"), word("lee")));
    expect(parseSearchQuery("ann,lee;haircut")).toEqual(and(word("ann"), word("lee"), word("haircut")));
  });

  it("keeps emails, hyphens, apostrophes and phones inside one word; drops a redundant trailing *", () => {
    expect(parseSearchQuery("ann@example.com anne-marie o'brien +1-555")).toEqual(
      and(word("ann@example.com"), word("anne-marie"), word("o'brien"), word("+1-555")),
    );
    expect(parseSearchQuery("ann*")).toEqual(word("ann"));
  });

  it("reads quoted phrases, even next to words", () => {
    expect(parseSearchQuery('"ann lee"')).toEqual(phrase("ann lee"));
    expect(parseSearchQuery('hair "ann  lee " cut')).toEqual(and(word("hair"), phrase("ann  lee"), word("cut")));
    expect(parseSearchQuery('ann"lee x"')).toEqual(and(word("ann"), phrase("lee x")));
  });

  it("binds AND tighter than OR, and accepts | and ||", () => {
    expect(parseSearchQuery("a b OR c")).toEqual(or(and(word("a"), word("b")), word("c")));
    expect(parseSearchQuery("a OR b c")).toEqual(or(word("a"), and(word("b"), word("c"))));
    expect(parseSearchQuery("a | b || c")).toEqual(or(word("a"), word("b"), word("c")));
    expect(parseSearchQuery("a|b")).toEqual(or(word("a"), word("b")));
  });

  it("treats lower-case or/and/not as words, and upper-case AND as an explicit AND", () => {
    expect(parseSearchQuery("salt or pepper")).toEqual(and(word("salt"), word("or"), word("pepper")));
    expect(parseSearchQuery("a AND b")).toEqual(and(word("a"), word("b")));
    expect(parseSearchQuery("a not b")).toEqual(and(word("a"), word("not"), word("b")));
  });

  it("negates with - and NOT, binding tighter than AND; double negation cancels", () => {
    expect(parseSearchQuery("-ann")).toEqual(not(word("ann")));
    expect(parseSearchQuery("NOT ann lee")).toEqual(and(not(word("ann")), word("lee")));
    expect(parseSearchQuery("lee -ann OR bob")).toEqual(or(and(word("lee"), not(word("ann"))), word("bob")));
    expect(parseSearchQuery('-"ann lee"')).toEqual(not(phrase("ann lee")));
    expect(parseSearchQuery("NOT -ann")).toEqual(word("ann"));
    expect(parseSearchQuery("anne-marie")).toEqual(word("anne-marie")); // a dash inside a word is not NOT
  });

  it("groups with parentheses, flattening what needs no group", () => {
    expect(parseSearchQuery("(a OR b) c")).toEqual(and(or(word("a"), word("b")), word("c")));
    expect(parseSearchQuery("-(a OR b)")).toEqual(not(or(word("a"), word("b"))));
    expect(parseSearchQuery("((a))")).toEqual(word("a"));
    expect(parseSearchQuery("a (b c)")).toEqual(and(word("a"), word("b"), word("c")));
    expect(parseSearchQuery("a OR (b OR c)")).toEqual(or(word("a"), word("b"), word("c")));
    expect(parseSearchQuery("NOT(a)")).toEqual(not(word("a")));
  });
});

describe("parseSearchQuery: field:value", () => {
  it("reads bare and quoted values; field names are case-insensitive", () => {
    expect(parseSearchQuery("page:cuts")).toEqual(field("page", "cuts"));
    expect(parseSearchQuery('OWNER:"Owen Host"')).toEqual(field("owner", "Owen Host"));
    expect(parseSearchQuery('name:"ann lee" ann')).toEqual(and(field("name", "ann lee"), word("ann")));
    expect(parseSearchQuery("email:ann@example.com")).toEqual(field("email", "ann@example.com"));
    expect(parseSearchQuery("phone:+1(555)")).toEqual(and(field("phone", "+1"), word("555"))); // "(" ends a bare value
  });

  it("sets prefix for a trailing * on id, email and name; strips it elsewhere", () => {
    expect(parseSearchQuery("email:ann@*")).toEqual(field("email", "ann@", true));
    expect(parseSearchQuery("id:bkng-ab*")).toEqual(field("id", "BKNG-AB", true));
    expect(parseSearchQuery('name:"ann l"*')).toEqual(field("name", "ann l", true));
    expect(parseSearchQuery("page:cut*")).toEqual(field("page", "cut"));
    expect(parseSearchQuery("email:ann@example.com")).toEqual(field("email", "ann@example.com", false));
  });

  it("normalises id to upper case", () => {
    expect(parseSearchQuery(`id:${B1.toLowerCase()}`)).toEqual(field("id", B1));
  });

  it("matches status values case-insensitively, including no-show spellings", () => {
    expect(parseSearchQuery("status:scheduled")).toEqual(field("status", "Scheduled"));
    for (const s of ["noshow", "no-show", "no_show", "NO-SHOW", '"no show"']) {
      expect(parseSearchQuery(`status:${s}`)).toEqual(field("status", "No-show"));
    }
    expect(parseSearchQuery("status:cancelled")).toEqual(field("status", "Canceled"));
    expect(parseSearchQuery("-status:Canceled")).toEqual(not(field("status", "Canceled")));
  });

  it("takes session packages' statuses too; completed is one status for bookings and packages", () => {
    expect(parseSearchQuery("status:created")).toEqual(field("status", "Created"));
    expect(parseSearchQuery("status:UPDATED")).toEqual(field("status", "Updated"));
    expect(parseSearchQuery("status:completed")).toEqual(field("status", "Completed"));
  });

  it("accepts booking, package and transaction (any case, plural) for type", () => {
    expect(parseSearchQuery("type:Booking")).toEqual(field("type", "booking"));
    expect(parseSearchQuery("type:packages")).toEqual(field("type", "package"));
    expect(parseSearchQuery("type:TRANSACTIONS")).toEqual(field("type", "transaction"));
  });

  it("accepts any part of a detailed status", () => {
    expect(parseSearchQuery('detailed:"by user"')).toEqual(field("detailed", "by user"));
    expect(parseSearchQuery('detailed:"Canceled (By customer)"')).toEqual(field("detailed", "Canceled (By customer)"));
  });
});

describe("parseSearchQuery: activity IDs", () => {
  it("turns a bare ID (any case) into an ids node", () => {
    expect(parseSearchQuery(B1)).toEqual(ids(B1));
    expect(parseSearchQuery(B1.toLowerCase())).toEqual(ids(B1));
  });

  it("turns a pasted list (spaces, commas, semicolons, new lines; mixed case) into ONE ids node", () => {
    expect(parseSearchQuery(`${B1} ${B2}`)).toEqual(ids(B1, B2));
    expect(parseSearchQuery(`${B1},${B2}, ${P1}`)).toEqual(ids(B1, B2, P1));
    expect(parseSearchQuery(`${B1}\n${P1.toLowerCase()}\r\n${T1};\n`)).toEqual(ids(B1, P1, T1));
    expect(parseSearchQuery(`${B1}\n${B1.toLowerCase()}`)).toEqual(ids(B1)); // de-duplicated
  });

  it("ANDs a list with the words around it, and a word splits two lists", () => {
    expect(parseSearchQuery(`ann ${B1} ${B2}`)).toEqual(and(word("ann"), ids(B1, B2)));
    expect(parseSearchQuery(`${B1} ann ${B2}`)).toEqual(and(ids(B1), word("ann"), ids(B2)));
    expect(parseSearchQuery(`${B1} AND ${B2}`)).toEqual(and(ids(B1), ids(B2))); // asked for explicitly
  });

  it("merges IDs joined by OR into one list; a negated or grouped ID stays apart", () => {
    expect(parseSearchQuery(`${B1} OR ${B2} | x`)).toEqual(or(ids(B1, B2), word("x")));
    expect(parseSearchQuery(`${B1} -${B2}`)).toEqual(and(ids(B1), not(ids(B2))));
    expect(parseSearchQuery(`(${B1}) ${B2}`)).toEqual(and(ids(B1), ids(B2)));
  });

  it("keeps partial or malformed IDs as words (matched as a prefix)", () => {
    expect(parseSearchQuery("BKNG-AAAA")).toEqual(word("BKNG-AAAA"));
    expect(parseSearchQuery("TXN-DDDDDDD44")).toEqual(word("TXN-DDDDDDD44"));
  });
});

describe("parseSearchQuery: errors name what is wrong and where", () => {
  const cases: [query: string, position: number, message: RegExp][] = [
    ['ann "lee', 4, /^Unclosed quote starting at character 4$/],
    ['email:"ann', 6, /^Unclosed quote starting at character 6$/],
    ["foo:bar", 0, /^Unknown field "foo" at character 0; fields are id, status, detailed, type, page, owner, email, name, phone, paypal$/],
    ["ann Colour:red", 4, /^Unknown field "Colour" at character 4/],
    ["a OR", 2, /^Nothing after OR at character 2$/],
    ["a OR OR b", 2, /^Nothing after OR at character 2$/],
    ["(a OR ) b", 3, /^Nothing after OR at character 3$/],
    ["a |", 2, /^Nothing after "\|" at character 2$/],
    ["OR a", 0, /^Nothing before OR at character 0$/],
    ["a (| b)", 3, /^Nothing before "\|" at character 3$/],
    ["a AND", 2, /^Nothing after AND at character 2$/],
    ["AND a", 0, /^Nothing before AND at character 0$/],
    ["a NOT", 2, /^Nothing after NOT at character 2$/],
    ["NOT OR a", 0, /^Nothing after NOT at character 0$/],
    ["ann - lee", 4, /^Nothing after "-" at character 4$/],
    ["ann -", 4, /^Nothing after "-" at character 4$/],
    ["(a -)", 3, /^Nothing after "-" at character 3$/],
    ["(a b) c)", 7, /^Unbalanced "\)" at character 7$/],
    [") a", 0, /^Unbalanced "\)" at character 0$/],
    ["a (b", 2, /^Unclosed "\(" at character 2$/],
    ["a ((b)", 2, /^Unclosed "\(" at character 2$/],
    ["(", 0, /^Unclosed "\(" at character 0$/],
    ["a () b", 2, /^Empty parentheses at character 2$/],
    ["ann email:", 4, /^Empty value for field "email" at character 4$/],
    ['email:"" x', 0, /^Empty value for field "email" at character 0$/],
    ["id:*", 0, /^Empty value for field "id" at character 0$/],
    ["status:waiting", 7, /^Unknown status "waiting" at character 7; statuses are Requested, Scheduled, .*No-show, Expired, Created, Updated, Paid, Pending, Refunded, Refund pending, Denied, Refund failed$/],
    ["type:request", 5, /^Unknown type "request" at character 5; types are booking, package, transaction$/],
    ["detailed:zzz", 9, /^No detailed status contains "zzz" at character 9; detailed statuses are Requested \(By customer\)/],
    ["ann !!!", 4, /^Nothing to search for in "!!!" at character 4/],
    ["*", 0, /^Nothing to search for in "\*" at character 0/],
    ['a ""', 2, /^Empty quoted phrase at character 2$/],
    ['a "?!"', 2, /^Nothing to search for in "\?!" at character 2/],
    ['name:"--"', 5, /^Nothing to search for in "--" at character 5/],
  ];
  it.each(cases)("%j → position %i", (query, position, message) => {
    const err = parseError(query);
    expect(err.details.position).toBe(position);
    expect(err.message).toMatch(message);
  });

  it("says what was expected", () => {
    expect(parseError("foo:bar").details.expected).toEqual([...SEARCH_FIELDS]);
    expect(parseError("status:x").details.expected).toContain("No-show");
    expect(parseError("type:x").details.expected).toEqual(["booking", "package", "transaction"]);
    expect(parseError('"ann').details.expected).toBe('"');
    expect(parseError("a OR").details.expected).toBe("a search term");
  });

  it("limits the query to 4000 characters", () => {
    expect(parseSearchQuery("a ".repeat(16).padEnd(4000, " "))).not.toBeNull();
    const err = parseError("a".repeat(4001));
    expect(err.details.position).toBe(4000);
    expect(err.message).toMatch(/^Query is too long \(4001 characters; the limit is 4000\)/);
  });

  it("takes a pasted list of 200 IDs, repeats included, and refuses the 201st", () => {
    // 4000 characters hold 200 booking IDs with their separators, so both limits can be reached.
    const list = Array.from({ length: 200 }, (_, n) => `BKNG-${String(n).padStart(12, "0")}`);
    const pasted = [...list, ...list.slice(0, 5)].join("\n");
    expect(pasted.length).toBeGreaterThan(3500);
    expect(list.join(",").length).toBeLessThanOrEqual(4000);
    expect(parseSearchQuery(list.join(","))).toEqual(ids(...list));
    const tooMany = [...list, "BKNG-ZZZZZZZZZZZZ"].join(",");
    expect(parseError(tooMany).message).toMatch(/200/);
  });

  it("limits a query to 32 terms besides IDs", () => {
    const words = Array.from({ length: 32 }, (_, n) => `w${n}`);
    expect(parseSearchQuery(`${words.join(" ")} ${B1} ${B2}`)).not.toBeNull();
    const q = `${words.join(" ")} status:scheduled`;
    const err = parseError(q);
    expect(err.message).toMatch(/^Too many search terms \(the limit is 32/);
    expect(err.details.position).toBe(q.indexOf("status:"));
  });

  it("limits a term to 200 characters", () => {
    expect(parseError(`ann ${"x".repeat(201)}`).details.position).toBe(4);
  });

  it("limits nesting to 16 levels of parentheses and negations, naming the first one too deep", () => {
    expect(parseSearchQuery(`${"(".repeat(16)}ann${")".repeat(16)}`)).toEqual({ kind: "word", value: "ann" });
    expect(parseSearchQuery(`${"-(".repeat(8)}ann${")".repeat(8)}`)).toEqual({ kind: "word", value: "ann" });
    const deep = `x ${"(".repeat(17)}ann${")".repeat(17)}`;
    const err = parseError(deep);
    expect(err.message).toMatch(/^Too deeply nested \(the limit is 16 levels/);
    expect(err.details.position).toBe(2 + 16);
    // What used to overflow the stack: 2,000 unclosed "(" and 3,000 stacked negations.
    expect(parseError(`${"(".repeat(2000)}a`).details.position).toBe(16);
    expect(parseError(`${"-".repeat(3000)}a`).details.position).toBe(16);
    expect(parseError(`${"NOT ".repeat(900)}a`).details.position).toBe(64);
  });
});

describe("SEARCH_GRAMMAR_HELP", () => {
  it("documents every field and operator", () => {
    for (const f of SEARCH_FIELDS) expect(SEARCH_GRAMMAR_HELP).toContain(`\`${f}\``);
    for (const op of ["OR", "NOT", '"ann lee"', "-ann", "*"]) expect(SEARCH_GRAMMAR_HELP).toContain(op);
  });
});

describe("tsquery and LIKE helpers", () => {
  it("quotes tsquery operands: single quotes doubled, backslashes escaped", () => {
    expect(quoteTsQueryOperand("o'brien")).toBe("'o''brien'");
    expect(quoteTsQueryOperand("a\\b")).toBe("'a\\\\b'");
  });

  it("makes every word a prefix operand, ANDed; PostgreSQL splits inside a word", () => {
    expect(prefixTsQuery("ann")).toBe("'ann':*");
    expect(prefixTsQuery(" ann  lee ")).toBe("'ann':* & 'lee':*");
    expect(prefixTsQuery("anne-marie ann@example.com")).toBe("'anne-marie':* & 'ann@example.com':*");
    expect(prefixTsQuery("x' & !y:*")).toBe("'x''':* & '!y:*':*"); // operators stay inside the quotes
  });

  it("escapes LIKE metacharacters", () => {
    expect(escapeLike("100%_a\\b")).toBe("100\\%\\_a\\\\b");
  });
});

describe("searchCondition: compiled SQL", () => {
  const ACCOUNT = "6f1c2a4e-0000-4000-8000-000000000001";
  const db = new Kysely<Database>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (k) => new PostgresIntrospector(k),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  });
  const compile = (q: string) => {
    const node = parseSearchQuery(q);
    if (!node) throw new Error("empty query");
    const { sql, parameters } = db.selectFrom("activities").selectAll().where(searchCondition(node, ACCOUNT)).compile();
    return { where: sql.replace('select * from "activities" where ', ""), parameters };
  };

  it("matches a word as a prefix tsquery through the search column", () => {
    expect(compile("Annette")).toEqual({ where: `"activities"."search" @@ to_tsquery('simple', $1)`, parameters: ["'Annette':*"] });
  });

  it("also tries a word with @ as one raw lexeme, so a partial email matches", () => {
    expect(compile("ann@exa")).toEqual({
      where: `"activities"."search" @@ (to_tsquery('simple', $1) || cast($2 as tsquery))`,
      parameters: ["'ann@exa':*", "'ann@exa':*"],
    });
  });

  it("asks the index for a phrase's word pairs, then checks the phrase itself with phraseto_tsquery", () => {
    expect(compile('"ann lee"')).toEqual({
      where: `("activities"."search" @@ activity_search_phrase_pairs($1) and ts_match_vq("activities"."search", phraseto_tsquery('simple', $2)))`,
      parameters: ["ann lee", "ann lee"],
    });
  });

  it("matches a pasted ID list with one IN", () => {
    expect(compile(`${B1}\n${B2.toLowerCase()}`)).toEqual({ where: `"activities"."id" in ($1, $2)`, parameters: [B1, B2] });
  });

  it("compiles the simple fields to their columns", () => {
    expect(compile(`id:${B1}`)).toEqual({ where: `"activities"."id" = $1`, parameters: [B1] });
    expect(compile("id:bkng-a_*")).toEqual({ where: `"activities"."id" like $1`, parameters: ["BKNG-A\\_%"] });
    expect(compile("status:noshow")).toEqual({ where: `"activities"."status" = $1`, parameters: ["No-show"] });
    expect(compile("detailed:user")).toEqual({ where: `"activities"."detailed_status" ilike $1`, parameters: ["%user%"] });
    expect(compile("type:packages")).toEqual({ where: `"activities"."type" = $1`, parameters: ["package"] });
  });

  it("matches email case-insensitively, on the indexed lower(customer_email)", () => {
    expect(compile("email:Ann@X.com")).toEqual({ where: `lower("activities"."customer_email") = lower($1)`, parameters: ["Ann@X.com"] });
    expect(compile("email:a%b*")).toEqual({ where: `lower("activities"."customer_email") like lower($1)`, parameters: ["a\\%b%"] });
  });

  it("resolves page and owner within the account", () => {
    expect(compile("page:cuts")).toEqual({
      where:
        `"activities"."booking_page_id" in (select "booking_pages"."id" from "booking_pages" where "booking_pages"."account_id" = $1 ` +
        `and (lower("booking_pages"."slug") = lower($2) or "booking_pages"."name" ilike $3))`,
      parameters: [ACCOUNT, "cuts", "%cuts%"],
    });
    expect(compile('owner:"owen h"')).toEqual({
      where:
        `"activities"."owner_id" in (select "users"."id" from "users" where "users"."account_id" = $1 ` +
        `and (lower("users"."email") = lower($2) or "users"."name" ilike $3))`,
      parameters: [ACCOUNT, "owen h", "%owen h%"],
    });
  });

  it("finds transactions by a PayPal order, capture or refund ID (upper-cased), and a capture's refunds through their payment", () => {
    expect(parseSearchQuery("paypal:3c679366hh908993f")).toEqual(field("paypal", "3C679366HH908993F"));
    expect(compile("paypal:3C679366HH908993F")).toEqual({
      where:
        `"activities"."id" in (select "payment_records"."activity_id" from "payment_records" where "payment_records"."account_id" = $1 ` +
        `and ("payment_records"."paypal_capture_id" = $2 or "payment_records"."paypal_order_id" = $3 or "payment_records"."paypal_refund_id" = $4 ` +
        `or "payment_records"."payment_activity_id" in (select "paid"."activity_id" from "payment_records" as "paid" where "paid"."account_id" = $5 and "paid"."paypal_capture_id" = $6)))`,
      parameters: [ACCOUNT, "3C679366HH908993F", "3C679366HH908993F", "3C679366HH908993F", ACCOUNT, "3C679366HH908993F"],
    });
  });

  it("takes transactions' statuses and types in status: and detailed:", () => {
    expect(compile("status:refund-pending")).toEqual({ where: `"activities"."status" = $1`, parameters: ["Refund pending"] });
    expect(compile('detailed:"manual refund via paypal"')).toEqual({ where: `"activities"."detailed_status" ilike $1`, parameters: ["%manual refund via paypal%"] });
  });

  it("narrows name through the search index and confirms it on the name column", () => {
    expect(compile('name:"ann l"')).toEqual({
      where: `("activities"."search" @@ to_tsquery('simple', $1) and "activities"."customer_name" ilike $2)`,
      parameters: ["'ann':* & 'l':*", "%ann l%"],
    });
    expect(compile("name:ann*").parameters).toEqual(["'ann':*", "ann%"]);
  });

  it("compares phone digits only", () => {
    expect(compile('phone:"(555) 12"')).toEqual({
      where: `regexp_replace("activities"."customer_phone", '[^0-9]', '', 'g') like $1`,
      parameters: ["%55512%"],
    });
  });

  it("compiles AND, OR and NOT (NULL counts as not matching)", () => {
    expect(compile("-ann OR (b c)")).toEqual({
      where:
        `(("activities"."search" @@ to_tsquery('simple', $1)) is not true or ` +
        `("activities"."search" @@ to_tsquery('simple', $2) and "activities"."search" @@ to_tsquery('simple', $3)))`,
      parameters: ["'ann':*", "'b':*", "'c':*"],
    });
  });

  it("never puts user text in the SQL", () => {
    const hostile = `x'; drop table activities; o'b\\ "a'b" name:"z' or 1=1" page:q' email:e'* owner:"o'" phone:'1 detailed:"reassign"`;
    const { where, parameters } = compile(hostile);
    for (const fragment of ["drop", "o'b", "a'b", "z'", "1=1", "q'", "reassign"]) expect(where).not.toContain(fragment);
    expect(parameters.join(" ")).toContain("drop");
    expect(parameters).toContain("%z' or 1=1%");
  });
});
