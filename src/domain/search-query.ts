import { ACTIVITY_ID_PATTERN } from "./activity-id.js";
import { DomainError } from "./errors.js";
import { BOOKING_STATUSES, DETAILED_STATUS_LIST, type BookingStatus } from "./lifecycle.js";
import { PACKAGE_STATUSES, type PackageStatus } from "./package-status.js";
import { TRANSACTION_STATUSES, TRANSACTION_TYPE_LIST, type TransactionStatus } from "./transactions.js";

/**
 * The Activity stream's free-text query ("q"): grammar and parser. Pure: no I/O, no SQL
 * (src/store/activity-search.ts compiles the tree this returns).
 *
 * Grammar, loosest binding first:
 *   query   := or
 *   or      := and ( ("OR" | "|") and )*
 *   and     := unary ( ["AND"] unary )*          -- juxtaposition is AND; AND binds tighter than OR
 *   unary   := ("NOT" | "-") unary | primary
 *   primary := "(" or ")" | "quoted phrase" | field ":" value | word
 *   value   := bare-value ["*"] | "quoted value" ["*"]
 * - A word matches as a prefix ("ann" matches "Annette") in the activity ID, customer name,
 *   email and phone, booking page, event type and owner name. A phrase matches its words
 *   adjacent, in order.
 * - OR, AND and NOT are keywords only in upper case: "or" is a plain word.
 * - Whitespace, commas and semicolons separate terms (pasted lists are comma/newline separated).
 * - A bare term that is an activity ID (any case) is an exact ID match, and a run of bare IDs is
 *   one "any of these IDs" node: pasting a column of IDs finds all of them instead of none.
 * - Positions in errors are 0-based UTF-16 offsets into the original query (what JS indexes by),
 *   so the web app can underline the offending character.
 */

export const SEARCH_FIELDS = ["id", "status", "detailed", "type", "page", "owner", "email", "name", "phone", "paypal"] as const;
export type SearchField = (typeof SEARCH_FIELDS)[number];

export type SearchNode =
  | { kind: "word"; value: string }
  | { kind: "phrase"; value: string }
  | { kind: "field"; field: SearchField; value: string; prefix: boolean }
  | { kind: "ids"; ids: string[] }
  | { kind: "and"; items: SearchNode[] }
  | { kind: "or"; items: SearchNode[] }
  | { kind: "not"; item: SearchNode };

/**
 * Bounds that keep one query's SQL small: every term is a condition, every ID a parameter.
 * (At 13–18 characters per pasted ID, the length bound is reached before maxIds.) maxDepth bounds
 * nested groups and negations: the parser, the SQL compiler and PostgreSQL's own parser all
 * recurse once per level, and 2,000 "(" used to overflow the stack.
 */
export const SEARCH_LIMITS = { maxQueryLength: 4000, maxIds: 200, maxTerms: 32, maxTermLength: 200, maxDepth: 16 } as const;

/** Fields where a trailing "*" means "starts with"; the others already match part of the value or need all of it. */
const PREFIX_FIELDS: readonly SearchField[] = ["id", "email", "name"];
const ACTIVITY_TYPES = ["booking", "package", "transaction"] as const;

export const SEARCH_GRAMMAR_HELP = `
**Search** finds activities by ID, customer name, email and phone, booking page, event type and owner.

- \`ann lee\` — every word must match; a word matches the start of a word (\`ann\` finds "Annette").
- \`"ann lee"\` — the words next to each other, in this order.
- \`ann OR lee\` (or \`ann | lee\`) — either; AND binds tighter: \`a b OR c\` is \`(a b) OR c\`.
- \`-ann\` or \`NOT ann\` — exclude. \`( … )\` groups. OR, AND and NOT must be upper case.
- \`field:value\` or \`field:"two words"\` — search one field:
  \`id\`, \`status\` (bookings: ${BOOKING_STATUSES.join(", ")}; session packages: ${PACKAGE_STATUSES.join(", ")}; transactions: ${TRANSACTION_STATUSES.join(", ")}), \`detailed\` (part of a detailed status or transaction type),
  \`type\` (booking, package, transaction), \`page\` (slug or part of the name), \`owner\` (email or part of the name),
  \`email\` (whole address), \`name\` (customer), \`phone\` (digits, any formatting),
  \`paypal\` (a PayPal order, capture or refund ID: finds the transactions that carry it; a capture's ID finds its payment and its refunds).
  End the value with \`*\` to match the start: \`email:ann@*\`, \`id:BKNG-AB*\`, \`name:ann*\`.
- Paste a list of activity IDs (separated by spaces, commas or new lines) to find all of them.
- Put text in quotes to search it as typed when it starts with \`-\` or looks like \`word:\` (\`"re:cut"\`).
- Limits: ${SEARCH_LIMITS.maxQueryLength} characters, ${SEARCH_LIMITS.maxIds} IDs, ${SEARCH_LIMITS.maxTerms} other terms, ${SEARCH_LIMITS.maxDepth} levels of nested parentheses and negations.
`.trim();

type Token =
  | { kind: "lparen" | "rparen" | "and" | "end"; pos: number }
  | { kind: "or"; pos: number; text: "OR" | "|" }
  | { kind: "not"; pos: number; text: "NOT" | "-" }
  | { kind: "word" | "phrase"; pos: number; text: string }
  | { kind: "field"; pos: number; field: SearchField; value: string; valuePos: number; star: boolean };

const SEPARATOR = /[\s,;]/;
/** Characters that end a bare word (a quote starts a phrase, "|" is OR). */
const WORD_BOUNDARY = /[\s,;()"|]/;
const FIELD_PREFIX = /^([A-Za-z_]+):/;
/** What PostgreSQL's text-search parser turns into lexemes; a term without one cannot match anything. */
const SEARCHABLE = /[\p{L}\p{N}]/u;

/** "<what> at character <position>[; <hint>]", with the position and what was expected in details. */
function invalidQuery(query: string, what: string, position: number, expected?: string | readonly string[], hint?: string): DomainError {
  const details: Record<string, unknown> = { query, position };
  if (expected !== undefined) details.expected = expected;
  return new DomainError("invalid_query", `${what} at character ${position}${hint ? `; ${hint}` : ""}`, details);
}

/** The quoted text starting at `quotePos` (no escapes: a phrase cannot contain a double quote). */
function readQuoted(q: string, quotePos: number): { text: string; end: number } {
  const close = q.indexOf('"', quotePos + 1);
  if (close < 0) throw invalidQuery(q, "Unclosed quote starting", quotePos, '"');
  return { text: q.slice(quotePos + 1, close), end: close + 1 };
}

function tokenize(q: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < q.length) {
    const c = q[i];
    if (SEPARATOR.test(c)) {
      i++;
    } else if (c === "(" || c === ")") {
      tokens.push({ kind: c === "(" ? "lparen" : "rparen", pos: i++ });
    } else if (c === "|") {
      const pos = i;
      while (q[i] === "|") i++; // "||" is one OR, as programmers type it
      tokens.push({ kind: "or", pos, text: "|" });
    } else if (c === '"') {
      const { text, end } = readQuoted(q, i);
      tokens.push({ kind: "phrase", pos: i, text });
      i = end;
    } else if (c === "-") {
      // A dash starting a term negates it; a lone dash ("Ann - Haircut") negates nothing.
      const next = q[i + 1];
      if (next === undefined || SEPARATOR.test(next) || next === ")" || next === "|") throw invalidQuery(q, 'Nothing after "-"', i, "a term to exclude");
      tokens.push({ kind: "not", pos: i++, text: "-" });
    } else {
      let end = i;
      while (end < q.length && !WORD_BOUNDARY.test(q[end])) end++;
      const run = q.slice(i, end);
      if (run === "OR") tokens.push({ kind: "or", pos: i, text: "OR" });
      else if (run === "AND") tokens.push({ kind: "and", pos: i });
      else if (run === "NOT") tokens.push({ kind: "not", pos: i, text: "NOT" });
      else if (FIELD_PREFIX.test(run)) end = readField(q, i, end, tokens);
      else tokens.push({ kind: "word", pos: i, text: run });
      i = end;
    }
  }
  return tokens;
}

/** Reads `field:value` or `field:"quoted value"` (the bare run is q[start, runEnd)); returns where lexing resumes. */
function readField(q: string, start: number, runEnd: number, tokens: Token[]): number {
  const name = FIELD_PREFIX.exec(q.slice(start, runEnd))![1];
  const field = SEARCH_FIELDS.find((f) => f === name.toLowerCase());
  if (!field) throw invalidQuery(q, `Unknown field "${name}"`, start, SEARCH_FIELDS, `fields are ${SEARCH_FIELDS.join(", ")}`);
  const valuePos = start + name.length + 1;
  let value = q.slice(valuePos, runEnd);
  let end = runEnd;
  let star = false;
  if (value === "" && q[end] === '"') {
    const quoted = readQuoted(q, end);
    value = quoted.text;
    end = quoted.end;
    if (q[end] === "*") {
      star = true;
      end++;
    }
  } else if (value.endsWith("*")) {
    value = value.replace(/\*+$/, "");
    star = true;
  }
  if (value.trim() === "") throw invalidQuery(q, `Empty value for field "${field}"`, start, "a value after the colon");
  tokens.push({ kind: "field", pos: start, field, value: value.trim(), valuePos, star });
  return end;
}

/** The upper-cased activity ID if `text` is one (IDs are pasted and typed in any case). */
function asActivityId(text: string): string | undefined {
  const upper = text.toUpperCase();
  return ACTIVITY_ID_PATTERN.test(upper) ? upper : undefined;
}

/**
 * The statuses `status:` takes: bookings' and session packages' ("completed" is both: one status,
 * one condition). "no-show", "No show", "noshow" and "NO_SHOW" all name the same status.
 */
type AnyStatus = BookingStatus | PackageStatus | TransactionStatus;
const SEARCH_STATUSES = [...new Set<AnyStatus>([...BOOKING_STATUSES, ...PACKAGE_STATUSES, ...TRANSACTION_STATUSES])];
const statusKey = (s: string) => s.toLowerCase().replace(/[\s_-]+/g, "");
const STATUS_BY_KEY = new Map<string, AnyStatus>([
  ...SEARCH_STATUSES.map((s): [string, AnyStatus] => [statusKey(s), s]),
  ["cancelled", "Canceled"],
]);

/** What `detailed:` matches part of: bookings' detailed statuses and transactions' types. */
const DETAILED_VALUES: readonly string[] = [...DETAILED_STATUS_LIST, ...TRANSACTION_TYPE_LIST];

const startsTerm = (t: Token) => t.kind === "word" || t.kind === "phrase" || t.kind === "field" || t.kind === "not" || t.kind === "lparen";
const operatorLabel = (text: string) => (/^[A-Z]+$/.test(text) ? text : `"${text}"`);

class Parser {
  private at = 0;
  private terms = 0;
  private depth = 0;
  private readonly ids = new Set<string>();

  constructor(
    private readonly q: string,
    private readonly tokens: Token[],
  ) {}

  parse(): SearchNode {
    const node = this.parseOr(undefined);
    const rest = this.peek();
    // parseOr stops only at the end or at a ")" it has no "(" for.
    if (rest.kind !== "end") throw invalidQuery(this.q, 'Unbalanced ")"', rest.pos, "a search term or the end of the query");
    return node;
  }

  private peek(): Token {
    return this.tokens[this.at] ?? { kind: "end", pos: this.q.length };
  }

  private next(): Token {
    const t = this.peek();
    this.at++;
    return t;
  }

  /** `group` is the position of the "(" this expression is inside, if any (for error messages). */
  private parseOr(group: number | undefined): SearchNode {
    const items = [this.parseAnd(group)];
    for (let op = this.peek(); op.kind === "or"; op = this.peek()) {
      this.next();
      if (!startsTerm(this.peek())) throw invalidQuery(this.q, `Nothing after ${operatorLabel(op.text)}`, op.pos, "a search term");
      items.push(this.parseAnd(group));
    }
    return simplifyOr(items);
  }

  private parseAnd(group: number | undefined): SearchNode {
    const items: SearchNode[] = [];
    let idRun: string[] | undefined; // the pasted-ID list being collected, while the terms are bare IDs
    let explicitAnd = false;
    for (let t = this.peek(); t.kind !== "end" && t.kind !== "or" && t.kind !== "rparen"; t = this.peek()) {
      if (t.kind === "and") {
        this.next();
        if (items.length === 0) throw invalidQuery(this.q, "Nothing before AND", t.pos, "a search term");
        if (!startsTerm(this.peek())) throw invalidQuery(this.q, "Nothing after AND", t.pos, "a search term");
        explicitAnd = true; // "BKNG-… AND BKNG-…" asks for both, so it ends a pasted list
        continue;
      }
      const id = t.kind === "word" ? asActivityId(t.text) : undefined;
      if (id !== undefined) {
        this.next();
        this.countId(id, t.pos);
        if (idRun && !explicitAnd) idRun.push(id);
        else items.push({ kind: "ids", ids: (idRun = [id]) });
      } else {
        items.push(this.parseUnary());
        idRun = undefined;
      }
      explicitAnd = false;
    }
    if (items.length === 0) throw this.nothingHere(group);
    return simplifyAnd(items);
  }

  /** The error for a place that needs a term but has none. */
  private nothingHere(group: number | undefined): DomainError {
    const t = this.peek();
    if (t.kind === "or") return invalidQuery(this.q, `Nothing before ${operatorLabel(t.text)}`, t.pos, "a search term");
    if (group === undefined) return invalidQuery(this.q, 'Unbalanced ")"', t.pos, "a search term");
    if (t.kind === "rparen") return invalidQuery(this.q, "Empty parentheses", group, "a search term");
    return invalidQuery(this.q, 'Unclosed "("', group, '")"');
  }

  private parseUnary(): SearchNode {
    const t = this.peek();
    if (t.kind !== "not") return this.parsePrimary();
    this.next();
    if (!startsTerm(this.peek())) throw invalidQuery(this.q, `Nothing after ${operatorLabel(t.text)}`, t.pos, "a term to exclude");
    const item = this.nested(t.pos, () => this.parseUnary());
    return item.kind === "not" ? item.item : { kind: "not", item };
  }

  /** Parses one level deeper (a group or a negation), refusing more than maxDepth levels. */
  private nested(pos: number, parse: () => SearchNode): SearchNode {
    if (++this.depth > SEARCH_LIMITS.maxDepth) {
      throw invalidQuery(this.q, `Too deeply nested (the limit is ${SEARCH_LIMITS.maxDepth} levels of parentheses and negations)`, pos);
    }
    const node = parse();
    this.depth--;
    return node;
  }

  private parsePrimary(): SearchNode {
    const t = this.next();
    switch (t.kind) {
      case "lparen": {
        const inner = this.nested(t.pos, () => this.parseOr(t.pos));
        if (this.next().kind !== "rparen") throw invalidQuery(this.q, 'Unclosed "("', t.pos, '")"');
        return inner;
      }
      case "word": {
        const id = asActivityId(t.text);
        if (id !== undefined) {
          this.countId(id, t.pos);
          return { kind: "ids", ids: [id] };
        }
        this.countTerm(t.pos, t.text);
        // Words match as prefixes already, so a trailing "*" (as in other search boxes) is redundant.
        return { kind: "word", value: this.searchable(t.text.replace(/\*+$/, ""), t.text, t.pos) };
      }
      case "phrase":
        this.countTerm(t.pos, t.text);
        if (t.text.trim() === "") throw invalidQuery(this.q, "Empty quoted phrase", t.pos, "words between the quotes");
        return { kind: "phrase", value: this.searchable(t.text.trim(), t.text, t.pos) };
      case "field":
        this.countTerm(t.pos, t.value);
        return this.fieldNode(t);
      default:
        // Unreachable: callers check startsTerm first.
        throw invalidQuery(this.q, "Expected a search term", t.pos, "a search term");
    }
  }

  private fieldNode(t: Extract<Token, { kind: "field" }>): SearchNode {
    const prefix = t.star && PREFIX_FIELDS.includes(t.field);
    switch (t.field) {
      case "id":
        return { kind: "field", field: "id", value: t.value.toUpperCase(), prefix };
      case "status": {
        const status = STATUS_BY_KEY.get(statusKey(t.value));
        if (!status) throw invalidQuery(this.q, `Unknown status "${t.value}"`, t.valuePos, SEARCH_STATUSES, `statuses are ${SEARCH_STATUSES.join(", ")}`);
        return { kind: "field", field: "status", value: status, prefix: false };
      }
      case "type": {
        const singular = t.value.toLowerCase().replace(/s$/, "");
        const type = ACTIVITY_TYPES.find((a) => a === singular);
        if (!type) throw invalidQuery(this.q, `Unknown type "${t.value}"`, t.valuePos, ACTIVITY_TYPES, `types are ${ACTIVITY_TYPES.join(", ")}`);
        return { kind: "field", field: "type", value: type, prefix: false };
      }
      case "detailed": {
        // Matched as "contains"; a value no detailed status contains is a typo, not an empty result.
        const lower = t.value.toLowerCase();
        if (!DETAILED_VALUES.some((d) => d.toLowerCase().includes(lower))) {
          const hint = `detailed statuses are ${DETAILED_VALUES.join(", ")}`;
          throw invalidQuery(this.q, `No detailed status contains "${t.value}"`, t.valuePos, DETAILED_VALUES, hint);
        }
        return { kind: "field", field: "detailed", value: t.value, prefix: false };
      }
      case "paypal":
        // PayPal's IDs are upper-case letters and digits; a pasted one may have been lower-cased.
        return { kind: "field", field: "paypal", value: t.value.toUpperCase(), prefix: false };
      case "name":
        // Compiled through the text-search index too, so it needs something the index holds.
        return { kind: "field", field: "name", value: this.searchable(t.value, t.value, t.valuePos), prefix };
      default:
        return { kind: "field", field: t.field, value: t.value, prefix };
    }
  }

  private searchable(value: string, raw: string, pos: number): string {
    if (!SEARCHABLE.test(value)) throw invalidQuery(this.q, `Nothing to search for in "${raw}"`, pos, "letters or digits", "search terms need letters or digits");
    return value;
  }

  private countTerm(pos: number, text: string): void {
    if (text.length > SEARCH_LIMITS.maxTermLength) {
      throw invalidQuery(this.q, `Term is too long (the limit is ${SEARCH_LIMITS.maxTermLength} characters)`, pos);
    }
    if (++this.terms > SEARCH_LIMITS.maxTerms) {
      throw invalidQuery(this.q, `Too many search terms (the limit is ${SEARCH_LIMITS.maxTerms}, not counting activity IDs)`, pos);
    }
  }

  private countId(id: string, pos: number): void {
    this.ids.add(id);
    if (this.ids.size > SEARCH_LIMITS.maxIds) throw invalidQuery(this.q, `Too many activity IDs (the limit is ${SEARCH_LIMITS.maxIds})`, pos);
  }
}

/** One AND level: nested ANDs flattened, each pasted-ID list de-duplicated, a single item unwrapped. */
function simplifyAnd(items: SearchNode[]): SearchNode {
  const flat = items.flatMap((n) => (n.kind === "and" ? n.items : n.kind === "ids" ? [{ kind: "ids" as const, ids: [...new Set(n.ids)] }] : [n]));
  return flat.length === 1 ? flat[0] : { kind: "and", items: flat };
}

/** One OR level: nested ORs flattened and all its ID lists merged into one (one IN list in SQL). */
function simplifyOr(items: SearchNode[]): SearchNode {
  const flat = items.flatMap((n) => (n.kind === "or" ? n.items : [n]));
  const ids = flat.flatMap((n) => (n.kind === "ids" ? n.ids : []));
  const firstIds = flat.findIndex((n) => n.kind === "ids");
  const merged = flat.filter((n, i) => n.kind !== "ids" || i === firstIds).map((n) => (n.kind === "ids" ? { kind: "ids" as const, ids: [...new Set(ids)] } : n));
  return merged.length === 1 ? merged[0] : { kind: "or", items: merged };
}

/** Parses the Activity stream's "q"; null when there is nothing to search for. Throws invalid_query. */
export function parseSearchQuery(q: string): SearchNode | null {
  if (q.length > SEARCH_LIMITS.maxQueryLength) {
    throw invalidQuery(q, `Query is too long (${q.length} characters; the limit is ${SEARCH_LIMITS.maxQueryLength})`, SEARCH_LIMITS.maxQueryLength);
  }
  const tokens = tokenize(q);
  if (tokens.length === 0) return null;
  return new Parser(q, tokens).parse();
}
