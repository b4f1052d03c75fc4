import { dmlError, entityIsDeleted, jsonParserError, notFound } from "./errors.js";
import { canonicalId, KEY_PREFIXES, SOBJECT_TYPES, typeOfId, type IdMinter, type SObjectType } from "./ids.js";
import { findField, sobjectDef, type OrgShape, type SObjectDef } from "./schema.js";
import { coerceValue, dateInZone, formatInstant, parseInstant, type FieldValue } from "./values.js";

/**
 * The simulated org's records and the rules Salesforce applies when they are written: unknown and
 * read-only fields, required fields, reference targets (type, existence, deletion, active owner),
 * the Event's start/end/duration arithmetic and derived fields. Deleting puts a record in the
 * recycle bin (IsDeleted, still visible to queryAll) and deletes the activities related to it.
 */
export type SfRecord = Record<string, FieldValue>;

const MAX_EVENT_MINUTES = 14 * 24 * 60;

export class Org {
  readonly organizationId: string;
  shape: OrgShape = { eventCustomFields: true };
  private readonly tables = new Map<SObjectType, Map<string, SfRecord>>(SOBJECT_TYPES.map((t) => [t, new Map()]));
  private caseNumber = 1000;

  constructor(private readonly ids: IdMinter, private readonly now: () => number) {
    this.organizationId = ids.next("00D");
  }

  /** A copy of every record, for all-or-none writes to roll back to. */
  snapshot(): () => void {
    const copy = new Map([...this.tables].map(([t, rows]) => [t, new Map([...rows].map(([id, r]) => [id, { ...r }]))]));
    const caseNumber = this.caseNumber;
    return () => {
      for (const [t, rows] of copy) this.tables.set(t, rows);
      this.caseNumber = caseNumber;
    };
  }

  def(type: SObjectType): SObjectDef {
    return sobjectDef(type, this.shape);
  }

  /** Any record by ID (15 or 18 characters), deleted or not. */
  find(id: string): SfRecord | undefined {
    const canonical = canonicalId(id);
    const type = canonical && typeOfId(canonical);
    return type ? this.tables.get(type)!.get(canonical!) : undefined;
  }

  /** A live record addressed by a REST URL: NOT_FOUND, or ENTITY_IS_DELETED once deleted. */
  get(type: SObjectType, rawId: string): SfRecord {
    const id = canonicalId(rawId);
    if (!id) throw notFound(`Provided external ID field does not exist or is not accessible: ${rawId}`);
    const record = this.tables.get(type)!.get(id);
    if (!record) throw notFound();
    if (record.IsDeleted === true) throw entityIsDeleted();
    return record;
  }

  list(type: SObjectType, includeDeleted = false): SfRecord[] {
    return [...this.tables.get(type)!.values()].filter((r) => includeDeleted || r.IsDeleted !== true);
  }

  create(type: SObjectType, input: unknown, actorId: string): SfRecord {
    const def = this.def(type);
    const given = this.collect(def, input, "create");
    const record: SfRecord = {};
    for (const f of def.fields) record[f.name] = given[f.name] !== undefined ? given[f.name] : f.defaultedOnCreate ? (f.defaultValue ?? null) : null;
    if (findField(def, "OwnerId") && record.OwnerId === null) record.OwnerId = actorId;
    const missing = def.fields.filter((f) => f.createable && !f.nillable && !f.defaultedOnCreate && record[f.name] === null).map((f) => f.name);
    if (missing.length) throw dmlError("REQUIRED_FIELD_MISSING", `Required fields are missing: [${missing.join(", ")}]`, missing);
    this.checkReferences(def, record, { ...given, ...(record.OwnerId ? { OwnerId: record.OwnerId } : {}) });
    this.derive(type, record, given, undefined);
    const id = this.ids.next(KEY_PREFIXES[type]);
    const now = formatInstant(this.now());
    Object.assign(record, { Id: id, CreatedDate: now, CreatedById: actorId, LastModifiedDate: now, LastModifiedById: actorId, SystemModstamp: now });
    if (findField(def, "IsDeleted")) record.IsDeleted = false;
    this.tables.get(type)!.set(id, record);
    return record;
  }

  update(type: SObjectType, rawId: string, input: unknown, actorId: string): SfRecord {
    const current = this.get(type, rawId);
    const def = this.def(type);
    const given = this.collect(def, input, "update");
    const nulled = Object.keys(given).filter((name) => given[name] === null && !findField(def, name)!.nillable);
    if (nulled.length) throw dmlError("REQUIRED_FIELD_MISSING", `Required fields are missing: [${nulled.join(", ")}]`, nulled);
    const record = { ...current, ...given };
    this.checkReferences(def, record, given);
    this.derive(type, record, given, current);
    const now = formatInstant(this.now());
    Object.assign(current, record, { LastModifiedDate: now, LastModifiedById: actorId, SystemModstamp: now });
    return current;
  }

  delete(type: SObjectType, rawId: string, actorId: string): void {
    const record = this.get(type, rawId);
    if (!this.def(type).deletable) throw dmlError("INVALID_TYPE_FOR_OPERATION", "entity type cannot be deleted");
    const now = formatInstant(this.now());
    Object.assign(record, { IsDeleted: true, LastModifiedDate: now, LastModifiedById: actorId, SystemModstamp: now });
    // Deleting a contact, lead, case or account deletes its activities; an account its contacts and cases.
    const id = record.Id as string;
    const dependants = [
      ...this.list("Event").filter((e) => e.WhoId === id || e.WhatId === id),
      ...(type === "Account" ? [...this.list("Contact"), ...this.list("Case")].filter((r) => r.AccountId === id) : []),
    ];
    for (const d of dependants) if (d.IsDeleted !== true) this.delete(typeOfId(d.Id as string)!, d.Id as string, actorId);
  }

  /** The record as the REST API shows it: `attributes` first, then the fields describe lists. */
  view(type: SObjectType, record: SfRecord, version: string, fields?: string[]): Record<string, unknown> {
    const names = fields ?? this.def(type).fields.map((f) => f.name);
    const out: Record<string, unknown> = { attributes: { type, url: `/services/data/v${version}/sobjects/${type}/${record.Id}` } };
    for (const name of names) out[name] = record[name] ?? null;
    return out;
  }

  private collect(def: SObjectDef, input: unknown, mode: "create" | "update"): SfRecord {
    if (typeof input !== "object" || input === null || Array.isArray(input))
      throw jsonParserError(`Cannot deserialize instance of ${def.name} from ${Array.isArray(input) ? "START_ARRAY value [" : "VALUE_STRING value"} or request may be missing a required field`);
    const given: SfRecord = {};
    const readOnly: string[] = [];
    for (const [key, value] of Object.entries(input as Record<string, unknown>)) {
      if (key === "attributes") continue;
      const f = findField(def, key);
      if (!f) throw dmlError("INVALID_FIELD", `No such column '${key}' on sobject of type ${def.name}`);
      if (mode === "update" && f.name === "Id") continue;
      if (!(mode === "create" ? f.createable : f.updateable)) { readOnly.push(f.name); continue; }
      given[f.name] = coerceValue(f, value);
    }
    if (readOnly.length)
      throw dmlError("INVALID_FIELD_FOR_INSERT_UPDATE", `Unable to create/update fields: ${readOnly.join(", ")}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`, readOnly);
    return given;
  }

  private checkReferences(def: SObjectDef, record: SfRecord, given: SfRecord) {
    for (const f of def.fields) {
      const id = given[f.name];
      if (f.type !== "reference" || typeof id !== "string") continue;
      const targetType = typeOfId(id);
      if (!targetType || !f.referenceTo.includes(targetType))
        throw dmlError("FIELD_INTEGRITY_EXCEPTION", `${f.label}: id value of incorrect type: ${id}`, [f.name]);
      const target = this.find(id);
      if (!target) throw dmlError("INVALID_CROSS_REFERENCE_KEY", `${f.label}: invalid cross reference id`, [f.name]);
      if (target.IsDeleted === true) throw dmlError("ENTITY_IS_DELETED", "entity is deleted", [f.name]);
      if (f.name === "OwnerId" && target.IsActive === false)
        throw dmlError("INACTIVE_OWNER_OR_USER", `operation performed with inactive user [${id}] as owner of ${def.name.toLowerCase()}`);
    }
    if (def.name === "Event" && typeof record.WhoId === "string" && typeOfId(record.WhoId) === "Lead" && record.WhatId)
      throw dmlError("FIELD_INTEGRITY_EXCEPTION", "Related To ID: an activity related to a lead can't also be related to another record; leave Related To blank", ["WhatId"]);
  }

  private derive(type: SObjectType, record: SfRecord, given: SfRecord, before: SfRecord | undefined) {
    if (type === "Contact" || type === "Lead" || type === "User")
      record.Name = [record.FirstName, record.LastName].filter((p) => p).join(" ");
    if (type === "Case") {
      if (!before) record.CaseNumber = String(++this.caseNumber).padStart(8, "0");
      record.IsClosed = record.Status === "Closed";
    }
    if (type === "User") {
      const username = String(record.Username).toLowerCase();
      if (this.list("User").some((u) => u.Id !== record.Id && String(u.Username).toLowerCase() === username))
        throw dmlError("DUPLICATE_USERNAME", `Duplicate Username.<br>The username already exists in this or another Salesforce organization. Usernames must be unique across all Salesforce organizations. To resolve, use a different username (it doesn't need to match the user's email address).`, ["Username"]);
    }
    if (type === "Event") this.deriveEvent(record, given, before);
  }

  private deriveEvent(record: SfRecord, given: SfRecord, before: SfRecord | undefined) {
    if (given.ActivityDateTime !== undefined && given.StartDateTime === undefined) record.StartDateTime = record.ActivityDateTime;
    const owner = this.find(String(record.OwnerId));
    const zone = String(owner?.TimeZoneSidKey ?? "UTC");
    if (record.IsAllDayEvent === true) {
      const date = (given.ActivityDate as string | undefined) ?? (record.StartDateTime as string | null)?.slice(0, 10) ?? (record.ActivityDate as string | null);
      if (!date) throw dmlError("REQUIRED_FIELD_MISSING", "Required fields are missing: [ActivityDate]", ["ActivityDate"]);
      const start = `${date}T00:00:00.000+0000`;
      Object.assign(record, { ActivityDate: date, StartDateTime: start, ActivityDateTime: start, EndDateTime: start, DurationInMinutes: 1440 });
      return;
    }
    if (record.StartDateTime === null) throw dmlError("REQUIRED_FIELD_MISSING", "Required fields are missing: [StartDateTime]", ["StartDateTime"]);
    const start = parseInstant(String(record.StartDateTime))!;
    const end = given.EndDateTime != null ? parseInstant(String(given.EndDateTime))! : null;
    const minutes = given.DurationInMinutes != null ? Number(given.DurationInMinutes) : null;
    let duration: number;
    if (end !== null) {
      if (end < start) throw dmlError("FIELD_INTEGRITY_EXCEPTION", "End Date Time: End date/time can't be earlier than the start date/time", ["EndDateTime"]);
      duration = Math.round((end - start) / 60_000);
      if (minutes !== null && minutes !== duration)
        throw dmlError("FIELD_INTEGRITY_EXCEPTION", "Duration: DurationInMinutes doesn't match EndDateTime minus StartDateTime", ["DurationInMinutes"]);
    } else if (minutes !== null) {
      if (minutes < 0) throw dmlError("FIELD_INTEGRITY_EXCEPTION", "Duration: duration can't be negative", ["DurationInMinutes"]);
      duration = minutes;
    } else if (before && typeof before.DurationInMinutes === "number") {
      duration = before.DurationInMinutes; // moving the start keeps the length
    } else {
      throw dmlError("REQUIRED_FIELD_MISSING", "Required fields are missing: [DurationInMinutes]", ["DurationInMinutes"]);
    }
    if (duration > MAX_EVENT_MINUTES) throw dmlError("FIELD_INTEGRITY_EXCEPTION", "Event duration can't exceed 14 days", ["DurationInMinutes"]);
    const what = record.WhatId ? this.find(String(record.WhatId)) : undefined;
    const who = record.WhoId ? this.find(String(record.WhoId)) : undefined;
    const accountId = what && typeOfId(String(what.Id)) === "Account" ? what.Id : (what?.AccountId ?? who?.AccountId ?? null);
    Object.assign(record, {
      StartDateTime: formatInstant(start), ActivityDateTime: formatInstant(start), EndDateTime: formatInstant(start + duration * 60_000),
      DurationInMinutes: duration, ActivityDate: dateInZone(start, zone), AccountId: accountId,
    });
  }
}
