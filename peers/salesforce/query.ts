import { randomBytes } from "node:crypto";
import { SalesforceError } from "./errors.js";
import { canonicalId, QUERY_LOCATOR_PREFIX, typeOfId, type SObjectType } from "./ids.js";
import { findField, sobjectTypeNamed, type FieldDef } from "./schema.js";
import { parseSoql, queryError, type Condition, type FieldRef, type Literal, type SoqlQuery } from "./soql.js";
import type { Org, SfRecord } from "./store.js";
import { parseInstant, type FieldValue } from "./values.js";

/**
 * Runs parsed SOQL against the org. Text comparisons ignore case (as SOQL's do), IDs match in
 * their 15- or 18-character form, one level of parent relationship (`Owner.Email`, `Who.Name`) is
 * followed, and results come in batches (2,000, or `Sforce-Query-Options: batchSize=n`) with a
 * `nextRecordsUrl` for the rest.
 */
const POLYMORPHIC_FIELDS = ["Id", "Name", "Type", "Email", "FirstName", "LastName", "Phone", "Title", "Username", "Alias"];
const NOT_FOUND_FIELD = (name: string, type: string) =>
  `No such column '${name}' on entity '${type}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`;

interface ResolvedField {
  ref: FieldRef;
  /** The canonical name path, e.g. ["Owner", "Email"]. */
  names: string[];
  /** The field the value comes from (for a relationship: the related type's field, or a stand-in for polymorphic ones). */
  leaf: FieldDef;
  relationship?: FieldDef;
}

interface Cursor { rows: Record<string, unknown>[]; totalSize: number }

export class QueryEngine {
  private readonly cursors = new Map<string, Cursor>();

  constructor(private readonly org: Org) {}

  run(soql: string, opts: { includeDeleted: boolean; version: string; batchSize: number }) {
    const q = parseSoql(soql);
    const type = sobjectTypeNamed(q.from.name);
    if (!type)
      throw queryError(soql, q.from.pos, `sObject type '${q.from.name}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`, "INVALID_TYPE");
    const selected = q.fields === "count" ? [] : q.fields.map((ref) => this.resolve(q, type, ref));
    const filter = q.where ? this.compile(q, type, q.where) : () => true;
    const order = q.orderBy.map((o) => ({ ...o, field: this.resolve(q, type, o.field) }));
    if ((q.offset ?? 0) > 2000) throw new SalesforceError(400, "NUMBER_OUTSIDE_VALID_RANGE", "Maximum SOQL offset allowed is 2000");
    let rows = this.org.list(type, opts.includeDeleted).filter(filter);
    if (order.length) {
      rows = [...rows].sort((a, b) => {
        for (const o of order) {
          const c = compareValues(this.value(a, o.field), this.value(b, o.field), o.nullsLast);
          if (c !== 0) return o.descending ? -c : c;
        }
        return 0;
      });
    }
    rows = rows.slice(q.offset ?? 0, q.limit === undefined ? undefined : (q.offset ?? 0) + q.limit);
    if (q.fields === "count") return { totalSize: rows.length, done: true, records: [] };
    const projected = rows.map((r) => this.project(type, r, selected, opts.version));
    return this.page({ rows: projected, totalSize: projected.length }, 0, opts.batchSize, opts.version);
  }

  more(locator: string, version: string, batchSize: number) {
    const [key, offset] = locator.split("-");
    const cursor = this.cursors.get(key);
    if (!cursor || !/^\d+$/.test(offset ?? "")) throw new SalesforceError(400, "INVALID_QUERY_LOCATOR", "invalid query locator");
    return this.page(cursor, Number(offset), batchSize, version, key);
  }

  private page(cursor: Cursor, offset: number, batchSize: number, version: string, key?: string) {
    const records = cursor.rows.slice(offset, offset + batchSize);
    const next = offset + records.length;
    if (next >= cursor.rows.length) {
      if (key) this.cursors.delete(key);
      return { totalSize: cursor.totalSize, done: true, records };
    }
    const locator = key ?? QUERY_LOCATOR_PREFIX + randomBytes(9).toString("base64url").replace(/[-_]/g, "0").slice(0, 12);
    this.cursors.set(locator, cursor);
    return { totalSize: cursor.totalSize, done: false, nextRecordsUrl: `/services/data/v${version}/query/${locator}-${next}`, records };
  }

  private resolve(q: SoqlQuery, type: SObjectType, ref: FieldRef): ResolvedField {
    const def = this.org.def(type);
    if (ref.path.length === 1) {
      const leaf = findField(def, ref.path[0]);
      if (!leaf) throw queryError(q.soql, ref.pos, NOT_FOUND_FIELD(ref.path[0], type), "INVALID_FIELD");
      return { ref, names: [leaf.name], leaf };
    }
    if (ref.path.length > 2) throw queryError(q.soql, ref.pos, "relationships more than one level deep are not supported by this simulated org");
    const relationship = def.fields.find((f) => f.relationshipName?.toLowerCase() === ref.path[0].toLowerCase());
    if (!relationship)
      throw queryError(q.soql, ref.pos, `Didn't understand relationship '${ref.path[0]}' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.`, "INVALID_FIELD");
    if (relationship.referenceTo.length > 1) {
      const name = POLYMORPHIC_FIELDS.find((n) => n.toLowerCase() === ref.path[1].toLowerCase());
      if (!name) throw queryError(q.soql, ref.pos, NOT_FOUND_FIELD(ref.path[1], "Name"), "INVALID_FIELD");
      // The polymorphic "Name" stand-in: its fields are read from whichever object the ID names.
      const idField = findField(this.org.def("User"), "Id")!;
      const leaf = findField(this.org.def(relationship.referenceTo[0]), name) ?? findField(this.org.def("User"), name) ?? idField;
      return { ref, names: [relationship.relationshipName!, name], leaf: { ...leaf, name, type: name === "Id" ? "id" : "string", length: 255 }, relationship };
    }
    const leaf = findField(this.org.def(relationship.referenceTo[0]), ref.path[1]);
    if (!leaf) throw queryError(q.soql, ref.pos, NOT_FOUND_FIELD(ref.path[1], relationship.referenceTo[0]), "INVALID_FIELD");
    return { ref, names: [relationship.relationshipName!, leaf.name], leaf, relationship };
  }

  private parent(record: SfRecord, field: ResolvedField): SfRecord | undefined {
    const id = record[field.relationship!.name];
    return typeof id === "string" ? this.org.find(id) : undefined;
  }

  private value(record: SfRecord, field: ResolvedField): FieldValue {
    if (!field.relationship) return record[field.leaf.name] ?? null;
    const parent = this.parent(record, field);
    if (!parent) return null;
    if (field.names[1] === "Type") return typeOfId(String(parent.Id)) ?? null;
    return parent[field.names[1]] ?? null;
  }

  private project(type: SObjectType, record: SfRecord, fields: ResolvedField[], version: string) {
    const out: Record<string, unknown> = { attributes: { type, url: `/services/data/v${version}/sobjects/${type}/${record.Id}` } };
    for (const f of fields) {
      if (!f.relationship) { out[f.leaf.name] = record[f.leaf.name] ?? null; continue; }
      const rel = f.names[0];
      const parent = this.parent(record, f);
      if (!parent) { out[rel] = null; continue; }
      const parentType = typeOfId(String(parent.Id))!;
      const nested = (out[rel] as Record<string, unknown> | undefined) ?? { attributes: { type: parentType, url: `/services/data/v${version}/sobjects/${parentType}/${parent.Id}` } };
      nested[f.names[1]] = this.value(record, f);
      out[rel] = nested;
    }
    return out;
  }

  private compile(q: SoqlQuery, type: SObjectType, c: Condition): (r: SfRecord) => boolean {
    if (c.kind === "not") {
      const inner = this.compile(q, type, c.item);
      return (r) => !inner(r);
    }
    if (c.kind !== "compare") {
      const parts = c.items.map((i) => this.compile(q, type, i));
      return c.kind === "and" ? (r) => parts.every((p) => p(r)) : (r) => parts.some((p) => p(r));
    }
    const field = this.resolve(q, type, c.field);
    if (field.leaf.type === "textarea")
      throw queryError(q.soql, c.field.pos, `field '${field.leaf.name}' can not be filtered in a query call`, "INVALID_FIELD");
    const literals = Array.isArray(c.value) ? c.value : [c.value];
    const values = literals.map((l) => this.literalFor(q, field, l, c.op === "LIKE"));
    if (c.op === "LIKE") {
      const lit = c.value as Literal;
      if (lit.kind !== "string") throw queryError(q.soql, lit.pos, "LIKE needs a string", "INVALID_FIELD");
      const re = new RegExp(`^${lit.like}$`, "is");
      return (r) => { const v = this.value(r, field); return typeof v === "string" && re.test(v); };
    }
    // IDs are stored and given in canonical form, so they match exactly; text matches ignoring case.
    const exact = field.leaf.type === "id" || field.leaf.type === "reference";
    const match = (v: FieldValue, target: FieldValue) =>
      exact || v === null || target === null ? v === target : compareValues(v, target, false) === 0;
    switch (c.op) {
      case "IN": return (r) => values.some((t) => match(this.value(r, field), t));
      case "NOT IN": return (r) => !values.some((t) => match(this.value(r, field), t));
      case "=": return (r) => match(this.value(r, field), values[0]);
      case "!=": return (r) => !match(this.value(r, field), values[0]);
      default: {
        const sign = { "<": [-1], "<=": [-1, 0], ">": [1], ">=": [1, 0] }[c.op];
        return (r) => {
          const v = this.value(r, field);
          return v !== null && values[0] !== null && sign.includes(Math.sign(compareValues(v, values[0], false)));
        };
      }
    }
  }

  /** A literal checked against the field's type, as stored values are (IDs canonical, instants as text). */
  private literalFor(q: SoqlQuery, field: ResolvedField, l: Literal, like: boolean): FieldValue {
    const f = field.leaf;
    const wrong = (what: string) => queryError(q.soql, l.pos, `value of filter criterion for field '${field.names.join(".")}' must be of type ${what}`, "INVALID_FIELD");
    if (l.kind === "null") return null;
    switch (f.type) {
      case "id":
      case "reference": {
        if (l.kind !== "string") throw wrong("id and should be enclosed in quotes");
        if (like) return l.value;
        const id = canonicalId(l.value);
        if (!id) throw queryError(q.soql, l.pos, `invalid ID field: ${l.value}`, "INVALID_QUERY_FILTER_OPERATOR");
        return id;
      }
      case "datetime":
        if (l.kind !== "datetime") throw wrong("dateTime and should not be enclosed in quotes");
        return new Date(l.ms).toISOString().replace("Z", "+0000");
      case "date":
        if (l.kind !== "date") throw wrong("date and should not be enclosed in quotes");
        return l.value;
      case "int":
        if (l.kind !== "number") throw wrong("double and should not be enclosed in quotes");
        return l.value;
      case "boolean":
        if (l.kind !== "boolean") throw wrong("boolean and should not be enclosed in quotes");
        return l.value;
      default:
        if (l.kind !== "string") throw wrong("string and should be enclosed in quotes");
        if (l.likeOnly && !like) throw queryError(q.soql, l.pos, "Invalid string literal. Illegal escape sequence: \\_ and \\% are for LIKE only");
        return l.value;
    }
  }
}

/** Orders two stored values: text case-insensitively, instants by time, nulls first unless told. */
function compareValues(a: FieldValue, b: FieldValue, nullsLast: boolean): number {
  if (a === null || b === null) return a === b ? 0 : (a === null) !== nullsLast ? -1 : 1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "boolean" && typeof b === "boolean") return Number(a) - Number(b);
  const sa = String(a), sb = String(b);
  const ta = parseInstant(sa), tb = parseInstant(sb);
  if (ta !== null && tb !== null) return ta - tb;
  const la = sa.toLowerCase(), lb = sb.toLowerCase();
  return la < lb ? -1 : la > lb ? 1 : 0;
}
