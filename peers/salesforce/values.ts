import { canonicalId } from "./ids.js";
import { dmlError, jsonParserError } from "./errors.js";
import type { FieldDef } from "./schema.js";

/**
 * Field values as Salesforce takes and gives them. Date-times go in as any ISO 8601 instant and
 * come back in UTC as `2024-05-01T10:00:00.000+0000`; empty strings are stored as null; text over
 * the field's length, bad e-mail addresses, unknown values of restricted picklists and malformed
 * IDs are refused with the error codes Salesforce uses.
 */
export type FieldValue = string | number | boolean | null;

const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** Milliseconds since the epoch of an ISO 8601 date-time (no offset means UTC), or null. */
export function parseInstant(value: string): number | null {
  const m = ISO_INSTANT.exec(value);
  if (!m || m[4] === undefined) return null;
  const [, y, mo, d, h, mi, s = "0", frac = "0", zone = "Z"] = m;
  const ms = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s, Math.floor(Number(`0.${frac}`) * 1000));
  const check = new Date(ms);
  if (check.getUTCDate() !== +d || check.getUTCMonth() !== +mo - 1 || +h > 23 || +mi > 59 || +s > 59) return null;
  if (zone === "Z") return ms;
  const sign = zone[0] === "-" ? -1 : 1;
  const digits = zone.slice(1).replace(":", "");
  return ms - sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
}

export function formatInstant(ms: number): string {
  return new Date(ms).toISOString().replace("Z", "+0000");
}

export function isValidDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3];
}

/** The calendar date of an instant in an IANA time zone (a user's TimeZoneSidKey). */
export function dateInZone(ms: number, timeZone: string): string {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
  } catch {
    return new Date(ms).toISOString().slice(0, 10); // a zone this runtime does not know: UTC
  }
  const parts = format.formatToParts(new Date(ms));
  const get = (type: string) => parts.find((p) => p.type === type)!.value;
  return `${get("year")}-${get("month")}-${get("day")}`;
}

const EMAIL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;
const TEXT_TYPES = new Set(["string", "textarea", "email", "phone", "url", "picklist", "combobox"]);

function cannotDeserialize(type: string, value: unknown): never {
  const token = typeof value === "string" ? "VALUE_STRING" : typeof value === "number" ? "VALUE_NUMBER_INT"
    : typeof value === "boolean" ? `VALUE_${String(value).toUpperCase()}` : Array.isArray(value) ? "START_ARRAY" : "START_OBJECT";
  const shown = typeof value === "object" ? (Array.isArray(value) ? "[" : "{") : String(value);
  throw jsonParserError(`Cannot deserialize instance of ${type} from ${token} value ${shown} or request may be missing a required field`);
}

/**
 * The stored form of a value written to a field. Reference targets (existence, type, deletion) are
 * checked by the store, which knows the records; this checks the value's own shape.
 */
export function coerceValue(f: FieldDef, value: unknown): FieldValue {
  if (value === null || value === undefined || (value === "" && TEXT_TYPES.has(f.type))) return null;
  switch (f.type) {
    case "id":
    case "reference": {
      if (typeof value !== "string") cannotDeserialize("id", value);
      const id = canonicalId(value);
      if (!id) throw dmlError("MALFORMED_ID", `${f.label}: id value of incorrect type: ${value}`, [f.name]);
      return id;
    }
    case "datetime": {
      const ms = typeof value === "string" ? parseInstant(value) : null;
      if (ms === null) cannotDeserialize("datetime", value);
      return formatInstant(ms);
    }
    case "date":
      if (typeof value !== "string" || !isValidDate(value)) cannotDeserialize("date", value);
      return value;
    case "int": {
      const n = typeof value === "string" && /^-?\d+$/.test(value) ? Number(value) : value;
      if (typeof n !== "number" || !Number.isInteger(n)) cannotDeserialize("int", value);
      return n;
    }
    case "boolean":
      if (typeof value !== "boolean") cannotDeserialize("boolean", value);
      return value;
    default: {
      if (typeof value === "object") cannotDeserialize("string", value);
      const text = String(value);
      if (text.length > f.length)
        throw dmlError("STRING_TOO_LONG", `${f.label}: data value too large: ${text} (max length=${f.length})`, [f.name]);
      if (f.type === "email" && !EMAIL.test(text))
        throw dmlError("INVALID_EMAIL_ADDRESS", `${f.label}: invalid email address: ${text}`, [f.name]);
      if (f.restrictedPicklist && !f.picklist.includes(text))
        throw dmlError("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", `${f.label}: bad value for restricted picklist field: ${text}`, [f.name]);
      return text;
    }
  }
}
