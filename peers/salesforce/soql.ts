import { SalesforceError } from "./errors.js";

/**
 * A parser for the SOQL the product sends: SELECT fields (or COUNT()) FROM one object, a WHERE of
 * comparisons joined by AND / OR / NOT with parentheses (SOQL refuses AND and OR mixed at one level
 * without them), ORDER BY, LIMIT, OFFSET. Anything else is refused with MALFORMED_QUERY, in
 * Salesforce's shape: the query, a caret under the column, "ERROR at Row:1:Column:n", the reason.
 */
export interface FieldRef { path: string[]; pos: number }
export type Literal =
  | { kind: "string"; value: string; like: string; likeOnly: boolean; pos: number }
  | { kind: "number"; value: number; pos: number }
  | { kind: "boolean"; value: boolean; pos: number }
  | { kind: "null"; pos: number }
  | { kind: "datetime"; ms: number; pos: number }
  | { kind: "date"; value: string; pos: number };
export type CompareOp = "=" | "!=" | "<" | "<=" | ">" | ">=" | "LIKE" | "IN" | "NOT IN";
export type Condition =
  | { kind: "and" | "or"; items: Condition[] }
  | { kind: "not"; item: Condition }
  | { kind: "compare"; field: FieldRef; op: CompareOp; value: Literal | Literal[] };
export interface OrderItem { field: FieldRef; descending: boolean; nullsLast: boolean }
export interface SoqlQuery {
  soql: string;
  fields: FieldRef[] | "count";
  from: { name: string; pos: number };
  where?: Condition;
  orderBy: OrderItem[];
  limit?: number;
  offset?: number;
}

type Token =
  | { kind: "word"; text: string; pos: number }
  | { kind: "punct"; text: string; pos: number }
  | { kind: "eof"; text: ""; pos: number }
  | (Literal & { text: string });

export function queryError(soql: string, pos: number, detail: string, errorCode = "MALFORMED_QUERY"): SalesforceError {
  const line = soql.replace(/\s/g, " ");
  return new SalesforceError(400, errorCode, `\n${line}\n${" ".repeat(pos)}^\nERROR at Row:1:Column:${pos + 1}\n${detail}`);
}

const ESCAPES: Record<string, string> = { n: "\n", r: "\r", t: "\t", b: "\b", f: "\f", '"': '"', "'": "'", "\\": "\\" };
const regexQuote = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?(?:Z|[+-]\d{2}:\d{2})/;
const DATE = /^\d{4}-\d{2}-\d{2}(?![\dT])/;

function tokenize(soql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < soql.length) {
    const c = soql[i];
    if (/\s/.test(c)) { i++; continue; }
    const rest = soql.slice(i);
    if (c === "'") {
      let value = "", like = "", likeOnly = false, j = i + 1;
      for (;;) {
        if (j >= soql.length) throw queryError(soql, i, `line 1:${i} mismatched character '<EOF>' expecting '''`);
        const ch = soql[j];
        if (ch === "'") break;
        if (ch === "\\") {
          const e = soql[j + 1] ?? "";
          const plain = ESCAPES[e.toLowerCase()];
          if (plain !== undefined) { value += plain; like += regexQuote(plain); }
          else if (e === "_" || e === "%") { value += e; like += e; likeOnly = true; }
          else throw queryError(soql, j, `Invalid string literal '${soql.slice(i + 1, j + 2)}'. Illegal escape sequence '\\${e}'`);
          j += 2;
          continue;
        }
        value += ch;
        like += ch === "%" ? ".*" : ch === "_" ? "." : regexQuote(ch);
        j++;
      }
      tokens.push({ kind: "string", value, like, likeOnly, pos: i, text: soql.slice(i, j + 1) });
      i = j + 1;
      continue;
    }
    const dt = DATETIME.exec(rest);
    if (dt) {
      const ms = Date.parse(dt[0]);
      if (Number.isNaN(ms)) throw queryError(soql, i, `line 1:${i} no viable alternative at character '${c}'`);
      tokens.push({ kind: "datetime", ms, pos: i, text: dt[0] });
      i += dt[0].length;
      continue;
    }
    const d = DATE.exec(rest);
    if (d) { tokens.push({ kind: "date", value: d[0], pos: i, text: d[0] }); i += d[0].length; continue; }
    const num = /^-?\d+(?:\.\d+)?/.exec(rest);
    if (num) { tokens.push({ kind: "number", value: Number(num[0]), pos: i, text: num[0] }); i += num[0].length; continue; }
    const word = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*/.exec(rest);
    if (word) { tokens.push({ kind: "word", text: word[0], pos: i }); i += word[0].length; continue; }
    const punct = /^(?:!=|<>|<=|>=|[=<>(),])/.exec(rest);
    if (punct) { tokens.push({ kind: "punct", text: punct[0] === "<>" ? "!=" : punct[0], pos: i }); i += punct[0].length; continue; }
    throw queryError(soql, i, `line 1:${i} no viable alternative at character '${c}'`);
  }
  tokens.push({ kind: "eof", text: "", pos: soql.length });
  return tokens;
}

const UNSUPPORTED = ["GROUP", "HAVING", "WITH", "FOR", "TYPEOF", "USING", "ALL", "UPDATE", "FIELDS"];

export function parseSoql(soql: string): SoqlQuery {
  const tokens = tokenize(soql);
  let at = 0;
  const peek = () => tokens[at];
  const isWord = (w: string, t = peek()) => t.kind === "word" && t.text.toUpperCase() === w;
  const fail = (t: Token, detail?: string): never => {
    if (t.kind === "word" && UNSUPPORTED.includes(t.text.toUpperCase()))
      throw queryError(soql, t.pos, `${t.text.toUpperCase()} is not supported by this simulated org`);
    throw queryError(soql, t.pos, detail ?? (t.kind === "eof" ? "unexpected token: <EOF>" : `unexpected token: ${t.text}`));
  };
  const expectWord = (w: string) => { if (!isWord(w)) fail(peek()); at++; };
  const expectPunct = (p: string) => { const t = peek(); if (t.kind !== "punct" || t.text !== p) fail(t); at++; };
  const fieldRef = (): FieldRef => {
    const t = peek();
    if (t.kind !== "word" || KEYWORDS.has(t.text.toUpperCase())) return fail(t);
    at++;
    const next = peek();
    if (next.kind === "punct" && next.text === "(") fail(t, `${t.text}() is not supported by this simulated org`);
    return { path: t.text.split("."), pos: t.pos };
  };

  expectWord("SELECT");
  let fields: FieldRef[] | "count";
  if (isWord("COUNT") && tokens[at + 1].kind === "punct" && tokens[at + 1].text === "(" && tokens[at + 2].text === ")") {
    at += 3;
    fields = "count";
  } else {
    fields = [fieldRef()];
    while (peek().kind === "punct" && peek().text === ",") { at++; fields.push(fieldRef()); }
  }
  expectWord("FROM");
  const fromToken = peek();
  if (fromToken.kind !== "word" || fromToken.text.includes(".")) fail(fromToken);
  at++;
  const query: SoqlQuery = { soql, fields, from: { name: fromToken.text, pos: fromToken.pos }, orderBy: [] };

  const literal = (): Literal => {
    const t = peek();
    at++;
    if (t.kind === "string" || t.kind === "number" || t.kind === "datetime" || t.kind === "date") return t;
    if (isWord("NULL", t)) return { kind: "null", pos: t.pos };
    if (isWord("TRUE", t) || isWord("FALSE", t)) return { kind: "boolean", value: isWord("TRUE", t), pos: t.pos };
    if (t.kind === "word" && /^[A-Z_]+(?::\d+)?$/.test(t.text.toUpperCase()))
      fail(t, `date literal ${t.text} is not supported by this simulated org`);
    return fail(t);
  };
  const comparison = (): Condition => {
    const field = fieldRef();
    const t = peek();
    let op: CompareOp;
    if (t.kind === "punct" && ["=", "!=", "<", "<=", ">", ">="].includes(t.text)) op = t.text as CompareOp;
    else if (isWord("LIKE")) op = "LIKE";
    else if (isWord("IN")) op = "IN";
    else if (isWord("NOT") && isWord("IN", tokens[at + 1])) { op = "NOT IN"; at++; }
    else return fail(t);
    at++;
    if (op !== "IN" && op !== "NOT IN") return { kind: "compare", field, op, value: literal() };
    expectPunct("(");
    if (isWord("SELECT")) fail(peek(), "semi-join subqueries are not supported by this simulated org");
    const values = [literal()];
    while (peek().kind === "punct" && peek().text === ",") { at++; values.push(literal()); }
    expectPunct(")");
    return { kind: "compare", field, op, value: values };
  };
  const operand = (): Condition => {
    if (isWord("NOT")) { at++; return { kind: "not", item: operand() }; }
    if (peek().kind === "punct" && peek().text === "(") {
      at++;
      const inner = expression();
      expectPunct(")");
      return inner;
    }
    return comparison();
  };
  const expression = (): Condition => {
    const first = operand();
    const joiner = isWord("AND") ? "AND" : isWord("OR") ? "OR" : undefined;
    if (!joiner) return first;
    const items = [first];
    while (isWord(joiner)) { at++; items.push(operand()); }
    // SOQL has no precedence between AND and OR: mixing them needs parentheses.
    if (isWord(joiner === "AND" ? "OR" : "AND")) fail(peek());
    return { kind: joiner === "AND" ? "and" : "or", items };
  };

  if (isWord("WHERE")) { at++; query.where = expression(); }
  if (isWord("ORDER")) {
    at++;
    expectWord("BY");
    do {
      if (query.orderBy.length) at++;
      const field = fieldRef();
      let descending = false;
      if (isWord("ASC")) at++;
      else if (isWord("DESC")) { at++; descending = true; }
      let nullsLast = descending;
      if (isWord("NULLS")) {
        at++;
        if (isWord("FIRST")) nullsLast = false;
        else if (isWord("LAST")) nullsLast = true;
        else fail(peek());
        at++;
      }
      query.orderBy.push({ field, descending, nullsLast });
    } while (peek().kind === "punct" && peek().text === ",");
  }
  const integer = () => {
    const t = peek();
    if (t.kind !== "number" || !Number.isInteger(t.value) || t.value < 0) fail(t);
    at++;
    return (t as { value: number }).value;
  };
  if (isWord("LIMIT")) { at++; query.limit = integer(); }
  if (isWord("OFFSET")) { at++; query.offset = integer(); }
  if (peek().kind !== "eof") fail(peek());
  return query;
}

const KEYWORDS = new Set(["SELECT", "FROM", "WHERE", "AND", "OR", "NOT", "IN", "LIKE", "ORDER", "BY", "LIMIT", "OFFSET", "NULL", "TRUE", "FALSE", "ASC", "DESC", "NULLS"]);
