import fc from "fast-check";

/**
 * The pieces of the OpenAPI fuzz test (test/fuzz-openapi.test.ts): what a bad value is, where in
 * a request it can go (read from the operation's schema), and how a generated case becomes an
 * HTTP request. The cases start from a request that would succeed (the test's baseline) and spoil
 * one or two places of it, so a bad value gets past every other check and reaches the code that
 * stores or searches it.
 */

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  required?: string[];
  items?: JsonSchema | JsonSchema[];
  prefixItems?: JsonSchema[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  enum?: unknown[];
  format?: string;
}

export interface Parameter {
  in: "path" | "query" | "header" | "cookie";
  name: string;
  required?: boolean;
  schema: JsonSchema;
}

export interface Operation {
  method: string;
  path: string;
  parameters: Parameter[];
  body?: JsonSchema;
}

/** Every operation of an OpenAPI 3 document. */
export function operationsOf(doc: { paths: Record<string, Record<string, any>> }): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      parameters: (op.parameters ?? []) as Parameter[],
      body: op.requestBody?.content?.["application/json"]?.schema as JsonSchema | undefined,
    })),
  );
}

export type BodyPath = (string | number)[];

/**
 * Places in a body the schema describes, down to `depth` levels: each property, the first item of
 * an array, and a made-up key of a free-form object (marked "*", filled in by the generator).
 */
export function bodyTargets(schema: JsonSchema | undefined, depth = 4, at: BodyPath = []): BodyPath[] {
  if (!schema || depth === 0) return [];
  const variants = [schema, ...(schema.anyOf ?? []), ...(schema.oneOf ?? []), ...(schema.allOf ?? [])];
  const out: BodyPath[] = [];
  for (const s of variants) {
    for (const [name, sub] of Object.entries(s.properties ?? {})) out.push([...at, name], ...bodyTargets(sub, depth - 1, [...at, name]));
    if (typeof s.additionalProperties === "object") out.push([...at, "*"], ...bodyTargets(s.additionalProperties, depth - 1, [...at, "*"]));
    const item = Array.isArray(s.items) ? s.items[0] : s.items ?? s.prefixItems?.[0];
    if (item) out.push([...at, 0], ...bodyTargets(item, depth - 1, [...at, 0]));
  }
  const seen = new Set<string>();
  return out.filter((p) => !seen.has(JSON.stringify(p)) && !!seen.add(JSON.stringify(p)));
}

/** Required properties at each object of the schema (to drop one). */
export function requiredPaths(schema: JsonSchema | undefined, depth = 3, at: BodyPath = []): BodyPath[] {
  if (!schema || depth === 0) return [];
  return [
    ...(schema.required ?? []).map((name) => [...at, name]),
    ...Object.entries(schema.properties ?? {}).flatMap(([name, sub]) => requiredPaths(sub, depth - 1, [...at, name])),
  ];
}

// ---------------------------------------------------------------- bad values

/** Characters that have broken servers: NUL, lone surrogates, controls, non-BMP, bidi overrides. */
const nastyChar = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom("\u0000", "\uD800", "\uDBFF", "\uDC00", "\uDFFF", "\u0001", "\u001F", "\u007F", "\uFFFE", "\uFFFF", "\u202E", "\u2028", "🙂", "\\", '"', "'", "%", "\n") },
  { weight: 2, arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) },
  { weight: 2, arbitrary: fc.constantFrom("a", "Z", "0", "-", " ", ":", "@", ".") },
);

const nastyString = fc.string({ unit: nastyChar, minLength: 0, maxLength: 40 });

/** Year, month … offset, each anywhere in range or just past it. */
export const extremeDateTime = fc
  .record({
    year: fc.oneof(fc.constantFrom(0, 1, 1000, 1899, 1900, 1969, 1970, 2999, 3000, 9999), fc.integer({ min: 0, max: 9999 })),
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.integer({ min: 1, max: 31 }),
    hour: fc.integer({ min: 0, max: 23 }),
    offset: fc.constantFrom("Z", "+14:00", "-12:00", "+23:59", "-23:59", "+00:00"),
  })
  .map(({ year, month, day, hour, offset }) => `${String(year).padStart(4, "0")}-${pad(month)}-${pad(day)}T${pad(hour)}:59:59.999${offset}`);

const pad = (n: number) => String(n).padStart(2, "0");

const oddDates = fc.constantFrom(
  "0000-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "9999-12-31T23:30:00-12:00", "0001-01-01T00:00:00+14:00", "+275760-09-13T00:00:00.000Z",
  "-000001-01-01T00:00:00Z", "2024-02-30T00:00:00Z", "2023-02-29T00:00:00Z", "2024-01-01T24:00:00Z", "1970-01-01T00:00:00.123456789Z",
  "0000-01-01", "9999-12-31", "2024-02-30", "00:00", "24:00", "25:61", "23:59:60",
);

const nastyNumber = fc.oneof(
  fc.constantFrom(-1, 0, -0, 0.5, 1.5, 1e308, -1e308, 2 ** 31, 2 ** 31 - 1, -(2 ** 31), 2 ** 53 + 2, Number.MAX_SAFE_INTEGER, Number.MIN_VALUE),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** Nested n deep: [[[…]]] or {"a":{"a":…}}, built without recursion. */
export function nested(kind: "array" | "object", depth: number): unknown {
  let v: unknown = "x";
  for (let i = 0; i < depth; i++) v = kind === "array" ? [v] : { a: v };
  return v;
}

const deep = fc.tuple(fc.constantFrom("array" as const, "object" as const), fc.constantFrom(20, 200, 2000)).map(([k, d]) => nested(k, d));

const longString = fc.tuple(fc.constantFrom(201, 4001, 20_000, 100_000), nastyChar).map(([n, c]) => (c + "a").repeat(Math.ceil(n / 2)));

/** An object with an own "__proto__" key (JSON.parse keeps it as data; a literal would not). */
const protoObject = fc.constantFrom('{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{"admin":true}}}').map((s) => JSON.parse(s));

/** Any JSON value a client could send where something else was expected. */
export const nastyJson: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: nastyString },
  { weight: 3, arbitrary: oddDates },
  { weight: 3, arbitrary: extremeDateTime },
  { weight: 3, arbitrary: nastyNumber },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false, [], {}, [""], [null], { "": "" }) },
  { weight: 1, arbitrary: deep },
  { weight: 1, arbitrary: longString },
  { weight: 1, arbitrary: protoObject },
  { weight: 1, arbitrary: fc.array(fc.oneof(nastyString, oddDates, extremeDateTime), { minLength: 1, maxLength: 30 }) },
  { weight: 1, arbitrary: fc.constant(Array.from({ length: 3000 }, (_, i) => i)) },
  { weight: 1, arbitrary: fc.dictionary(nastyString, fc.oneof(nastyString, nastyNumber), { maxKeys: 5 }) },
);

/** A key for a free-form object, or an unknown property: ordinary, odd or poisonous. */
export const nastyKey = fc.oneof(nastyString.filter((s) => s.length > 0), fc.constantFrom("__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "a".repeat(300)));

/** Bytes for a URL (path segment or query value), percent-encoded, including encodings that do not decode. */
export const nastyUrlText = fc.oneof(
  { weight: 4, arbitrary: fc.oneof(nastyString, oddDates, extremeDateTime, nastyNumber.map(String)).map(encodeWtf8) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      "%00", "a%00b", "%ED%A0%80", "%ED%BF%BF", "%C0%80", "%FF%FE", "%", "%G1", "%E0%A4%A", "..", "%2e%2e", "%2F", "a%2Fb", "%5C", "%20",
      "%F0%9F%99%82", "BKNG-%00", "BKNG-%C3%A9", "PKG-", "TXN-" + "A".repeat(500), "00000000-0000-0000-0000-000000000000",
      "ffffffff-ffff-ffff-ffff-ffffffffffff", "00000000-0000-0000-0000-00000000000G", "-".repeat(100), "a".repeat(101), "%u0000", "null", "undefined",
      // Search queries nested past any parser's patience.
      "(".repeat(2000) + "a", "-".repeat(3000) + "a", "NOT%20".repeat(600) + "a", "(".repeat(50) + "a" + ")".repeat(50),
    ),
  },
  // Opaque tokens (cursors) that decode to something odd: base64url of JSON with bad dates or text.
  {
    weight: 1,
    arbitrary: fc
      .constantFrom('["+275760-09-13T00:00:00.000Z","BKNG-A"]', '["0000-01-01T00:00:00Z","BKNG-A"]', '["2024-01-01T00:00:00Z","\u0000"]', '["Tue, 1 Jan 2030","\ud800"]', '[1e999,{}]', '{"__proto__":1}')
      .map((json) => Buffer.from(json).toString("base64url")),
  },
  // Longer than a URL may be (Node answers 431 itself): rarely, since it tests one thing.
  { weight: 1, arbitrary: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(201, 1001) }, { weight: 1, arbitrary: fc.constant(20_000) }).map((n) => "a".repeat(n)) },
);

/**
 * encodeURIComponent, except that a lone surrogate (which it refuses) is written as the three
 * bytes WTF-8 gives it: what a careless client would send.
 */
export function encodeWtf8(s: string): string {
  let out = "";
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c >= 0xd800 && c <= 0xdfff) out += `%${(0xe0 | (c >> 12)).toString(16)}%${(0x80 | ((c >> 6) & 0x3f)).toString(16)}%${(0x80 | (c & 0x3f)).toString(16)}`.toUpperCase();
    else out += encodeURIComponent(ch);
  }
  return out;
}

// ---------------------------------------------------------------- requests

export type Spoil =
  | { kind: "path"; name: string; raw: string }
  | { kind: "query"; name: string; raw: string[] }
  | { kind: "set"; at: BodyPath; value: unknown }
  | { kind: "drop"; at: BodyPath }
  | { kind: "raw-body"; contentType: string | null; body: string | Uint8Array<ArrayBuffer> };

export interface Baseline {
  path: Record<string, string>;
  query: Record<string, string>;
  body?: unknown;
}

export type Auth = "admin" | "none" | "bogus";

export interface FuzzCase {
  auth: Auth;
  spoils: Spoil[];
}

/** Whole-body spoilers: text that is not JSON, or JSON sent as something else. */
const rawBodies: fc.Arbitrary<Spoil> = fc.oneof(
  fc.record({
    kind: fc.constant("raw-body" as const),
    contentType: fc.constantFrom("application/json", "application/json; charset=utf-8", "application/json; charset=utf-16", "application/merge-patch+json"),
    body: fc.constantFrom("", "{", "}", "nul", "null", "[]", "\"text\"", "1e999", "-0", "{\"a\":1,\"a\":2}", "\uFEFF{}", "{\"x\":\"\\ud800\"}", "{\"x\":\"\\u0000\"}", "[".repeat(5000) + "]".repeat(5000), "{\"__proto__\":{\"x\":1}}", "{\"constructor\":{\"prototype\":{\"x\":1}}}"),
  }),
  fc.record({
    kind: fc.constant("raw-body" as const),
    contentType: fc.constantFrom(null, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml", "*/*", "application/json\u0000", "", "application/octet-stream"),
    body: fc.constantFrom("{}", "a=1&b=2", "--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--x--", "<a/>", ""),
  }),
  fc.record({
    kind: fc.constant("raw-body" as const),
    contentType: fc.constant("application/json"),
    body: fc.constantFrom(new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]), new Uint8Array([0xed, 0xa0, 0x80]), new Uint8Array([0x00])),
  }),
);

/** One place of a request to spoil, and the cases that spoil it (`examples` first, every time). */
export interface Location {
  name: string;
  cases: fc.Arbitrary<FuzzCase>;
  examples: FuzzCase[];
}

/**
 * Values that have made servers answer 500, tried at every place on every run: NUL, half a
 * surrogate pair, the years 0 and 9999 (a meeting then ends in year 10000), nesting 2,000 deep.
 */
export const KNOWN_KILLERS = {
  json: ["a\u0000b", "a\uD800b", "0000-01-01T00:00:00Z", "9999-12-31T23:30:00-12:00", "0000-01-01", nested("array", 2000)] as unknown[],
  url: ["a%00b", "%ED%A0%80", "0000-01-01T00%3A00%3A00Z", "9999-12-31T23%3A30%3A00-12%3A00", "0000-01-01", "9999-12-31", "(".repeat(2000) + "a"],
  /** For query parameters: opaque tokens (cursors) that decode to a year 0 or a NUL. */
  token: ['["0000-01-01T00:00:00Z","BKNG-A"]', '["2024-01-01T00:00:00Z","\u0000"]'].map((json) => Buffer.from(json).toString("base64url")),
};

const adminCase = (spoil: Spoil): FuzzCase => ({ auth: "admin", spoils: [spoil] });

const asAdmin = (spoil: fc.Arbitrary<Spoil>): fc.Arbitrary<FuzzCase> => spoil.map((s) => ({ auth: "admin" as const, spoils: [s] }));

/**
 * Every place of an operation's request, each with its own cases: each path parameter, each
 * query parameter, each body field the schema names (a made-up key for free-form objects), each
 * required field dropped, and the request as a whole (the body replaced or not JSON, unknown or
 * repeated query parameters, two places spoiled at once, no or a bogus credential). Walking the
 * places one by one, rather than drawing them at random, reaches every one on every run.
 */
export function locationsOf(op: Operation, baseline: Baseline): Location[] {
  const locations: Location[] = [];
  for (const p of op.parameters) {
    if (p.in === "path") {
      const examples = KNOWN_KILLERS.url.map((raw) => adminCase({ kind: "path", name: p.name, raw }));
      locations.push({ name: `path ${p.name}`, cases: asAdmin(nastyUrlText.map((raw) => ({ kind: "path" as const, name: p.name, raw }))), examples });
    }
    if (p.in === "query") {
      const raw = fc.oneof({ weight: 4, arbitrary: nastyUrlText.map((v) => [v]) }, { weight: 1, arbitrary: fc.array(nastyUrlText, { minLength: 2, maxLength: 3 }) });
      const examples = [...KNOWN_KILLERS.url, ...KNOWN_KILLERS.token].map((v) => adminCase({ kind: "query", name: p.name, raw: [v] }));
      locations.push({ name: `query ${p.name}`, cases: asAdmin(raw.map((values) => ({ kind: "query" as const, name: p.name, raw: values }))), examples });
    }
  }
  const fill = (at: BodyPath, key: string) => at.map((s) => (s === "*" ? key : s));
  for (const at of bodyTargets(op.body)) {
    const set = fc.tuple(nastyJson, nastyKey).map(([value, key]) => ({ kind: "set" as const, at: fill(at, key), value }));
    const examples = KNOWN_KILLERS.json.map((value) => adminCase({ kind: "set", at: fill(at, "k"), value }));
    if (at.includes("*")) examples.push(adminCase({ kind: "set", at: fill(at, "a\u0000"), value: "x" }), adminCase({ kind: "set", at: fill(at, "\uDC00"), value: "x" }));
    locations.push({ name: `body ${at.join(".")}`, cases: asAdmin(set), examples });
  }
  for (const at of requiredPaths(op.body)) locations.push({ name: `body ${at.join(".")} missing`, cases: fc.constant(adminCase({ kind: "drop", at })), examples: [] });

  const whole: fc.Arbitrary<Spoil>[] = [
    // Query parameters the operation does not have.
    fc.tuple(nastyKey, nastyUrlText).map(([name, raw]) => ({ kind: "query" as const, name: encodeWtf8(name), raw: [raw] })),
  ];
  if (op.body) {
    whole.push(nastyJson.map((value) => ({ kind: "set" as const, at: [], value })));
    // A made-up property next to a real one.
    const targets = bodyTargets(op.body);
    if (targets.length > 0) whole.push(fc.tuple(fc.constantFrom(...targets), nastyKey, nastyJson).map(([at, key, value]) => ({ kind: "set" as const, at: [...fill(at, "k").slice(0, -1), key], value })));
  }
  if (op.method !== "GET") whole.push(rawBodies);
  for (const [name, value] of Object.entries(baseline.query)) whole.push(fc.constant({ kind: "query" as const, name, raw: [encodeURIComponent(value), encodeURIComponent(value)] }));
  const single = fc.oneof(...whole);
  const anywhere = fc.oneof(single, ...locations.map((l) => l.cases.map((c) => c.spoils[0])));
  locations.push({
    name: "whole request",
    cases: fc.record({
      auth: fc.oneof({ weight: 4, arbitrary: fc.constant<Auth>("admin") }, { weight: 1, arbitrary: fc.constant<Auth>("none") }, { weight: 1, arbitrary: fc.constant<Auth>("bogus") }),
      spoils: fc.oneof({ weight: 2, arbitrary: fc.tuple(single) }, { weight: 1, arbitrary: fc.tuple(anywhere, anywhere) }),
    }),
    examples: [],
  });
  return locations;
}

/** Puts `value` at `at` inside a copy of `root` (making objects on the way), or removes it. */
function place(root: unknown, at: BodyPath, value: unknown, drop = false): unknown {
  if (at.length === 0) return value;
  const copy: any = Array.isArray(root) ? [...root] : root && typeof root === "object" ? { ...root } : typeof at[0] === "number" ? [] : {};
  const [head, ...rest] = at;
  if (rest.length === 0) {
    if (drop) delete copy[head];
    // defineProperty, so that "__proto__" becomes a key rather than the object's prototype.
    else Object.defineProperty(copy, head, { value, enumerable: true, writable: true, configurable: true });
  } else copy[head] = place(copy[head], rest, value, drop);
  return copy;
}

export interface BuiltRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string | Uint8Array<ArrayBuffer>;
  label: string;
}

/** The HTTP request for a case: the baseline with its spoils applied. */
export function buildRequest(op: Operation, baseline: Baseline, c: FuzzCase, tokens: { admin: string }): BuiltRequest {
  const pathValues: Record<string, string> = Object.fromEntries(Object.entries(baseline.path).map(([k, v]) => [k, encodeURIComponent(v)]));
  const query: [string, string][] = Object.entries(baseline.query).map(([k, v]) => [k, encodeURIComponent(v)]);
  let body: unknown = baseline.body;
  let raw: { contentType: string | null; body: string | Uint8Array<ArrayBuffer> } | undefined;
  for (const s of c.spoils) {
    if (s.kind === "path") pathValues[s.name] = s.raw;
    else if (s.kind === "query") {
      const kept = query.filter(([k]) => k !== s.name);
      query.length = 0;
      query.push(...kept, ...s.raw.map((v): [string, string] => [s.name, v]));
    } else if (s.kind === "set") body = place(body, s.at, s.value);
    else if (s.kind === "drop") body = place(body, s.at, undefined, true);
    else raw = s;
  }
  const path = op.path.replace(/\{(\w+)\}/g, (_, name: string) => pathValues[name] ?? "x");
  const url = path + (query.length ? "?" + query.map(([k, v]) => `${k}=${v}`).join("&") : "");
  const headers: Record<string, string> = {};
  if (c.auth === "admin") headers.authorization = `Bearer ${tokens.admin}`;
  if (c.auth === "bogus") headers.authorization = "Bearer bst_\u00e9\u0000not-a-token".replace(/[^\x20-\x7e]/g, "?");
  let sent: string | Uint8Array<ArrayBuffer> | undefined;
  if (raw) {
    if (raw.contentType !== null) headers["content-type"] = raw.contentType.replace(/\u0000/g, "");
    sent = raw.body;
  } else if (body !== undefined && op.method !== "GET" && op.method !== "DELETE") {
    headers["content-type"] = "application/json";
    sent = JSON.stringify(body);
  }
  const label = `${c.auth} ${JSON.stringify(c.spoils, (_k, v) => (typeof v === "string" && v.length > 80 ? `${v.slice(0, 40)}…(${v.length})` : v instanceof Uint8Array ? `bytes[${[...v].join(",")}]` : v)).slice(0, 400)}`;
  return { method: op.method, url, headers, body: sent, label };
}
