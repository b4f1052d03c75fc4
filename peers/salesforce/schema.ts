import { KEY_PREFIXES, type SObjectType } from "./ids.js";

/**
 * The objects of the simulated org and their fields, as `describe` reports them. Validation
 * (required, createable/updateable, lengths, picklists, reference targets) reads the same table,
 * so what describe says and what writes accept cannot drift apart.
 */
export type FieldType =
  | "id" | "string" | "textarea" | "email" | "phone" | "url" | "picklist" | "combobox"
  | "reference" | "datetime" | "date" | "int" | "boolean";

export interface FieldDef {
  name: string;
  label: string;
  type: FieldType;
  length: number;
  nillable: boolean;
  createable: boolean;
  updateable: boolean;
  defaultedOnCreate: boolean;
  calculated: boolean;
  autoNumber: boolean;
  nameField: boolean;
  unique: boolean;
  referenceTo: SObjectType[];
  relationshipName: string | null;
  picklist: string[];
  restrictedPicklist: boolean;
  defaultValue: string | boolean | null;
}

export interface SObjectDef {
  name: SObjectType;
  label: string;
  labelPlural: string;
  createable: boolean;
  updateable: boolean;
  deletable: boolean;
  fields: FieldDef[];
}

/** The custom fields the Bookstream (OnceHub-style) package adds to Event; an org may lack them. */
export const EVENT_CUSTOM_FIELDS = ["Event_Status__c", "Cancel_Reschedule_Reason__c"];
export const EVENT_STATUS_VALUES = [
  "Scheduled", "Rescheduled", "Completed", "Canceled", "No-show",
  "Scheduled (Reassigned by User)", "Rescheduled (Reassigned by User)",
];

const TEXT_LENGTH: Partial<Record<FieldType, number>> = { id: 18, reference: 18 };

function field(name: string, label: string, type: FieldType, o: Partial<FieldDef> = {}): FieldDef {
  return {
    name, label, type, length: TEXT_LENGTH[type] ?? 0, nillable: true, createable: true, updateable: true,
    defaultedOnCreate: false, calculated: false, autoNumber: false, nameField: false, unique: false,
    referenceTo: [], relationshipName: null, picklist: [], restrictedPicklist: false, defaultValue: null, ...o,
  };
}
const READ_ONLY = { createable: false, updateable: false } as const;
const REQUIRED = { nillable: false } as const;
const text = (name: string, label: string, length: number, o: Partial<FieldDef> = {}) => field(name, label, "string", { length, ...o });
const textArea = (name: string, label: string, length = 32000) => field(name, label, "textarea", { length });
const picklist = (name: string, label: string, values: string[], o: Partial<FieldDef> = {}) =>
  field(name, label, "picklist", { length: 255, picklist: values, ...o });
const ref = (name: string, label: string, referenceTo: SObjectType[], relationshipName: string, o: Partial<FieldDef> = {}) =>
  field(name, label, "reference", { referenceTo, relationshipName, ...o });
const flag = (name: string, label: string, defaultValue: boolean, o: Partial<FieldDef> = {}) =>
  field(name, label, "boolean", { nillable: false, defaultedOnCreate: true, defaultValue, ...o });
const fullName = () => text("Name", "Full Name", 121, { ...READ_ONLY, calculated: true, nameField: true });

function head(): FieldDef[] {
  return [field("Id", "Record ID", "id", { ...READ_ONLY, nillable: false, defaultedOnCreate: true }), flag("IsDeleted", "Deleted", false, READ_ONLY)];
}
function owner(label = "Owner ID"): FieldDef {
  return ref("OwnerId", label, ["User"], "Owner", { nillable: false, defaultedOnCreate: true });
}
function audit(): FieldDef[] {
  const at = (name: string, label: string) => field(name, label, "datetime", { ...READ_ONLY, nillable: false, defaultedOnCreate: true });
  const by = (name: string, label: string, rel: string) => ref(name, label, ["User"], rel, { ...READ_ONLY, nillable: false, defaultedOnCreate: true });
  return [
    at("CreatedDate", "Created Date"), by("CreatedById", "Created By ID", "CreatedBy"),
    at("LastModifiedDate", "Last Modified Date"), by("LastModifiedById", "Last Modified By ID", "LastModifiedBy"),
    at("SystemModstamp", "System Modstamp"),
  ];
}
const email = (label = "Email", length = 80, o: Partial<FieldDef> = {}) => field("Email", label, "email", { length, ...o });
const phone = (name = "Phone", label = "Phone") => field(name, label, "phone", { length: 40 });

const DEFS: SObjectDef[] = [
  {
    name: "Account", label: "Account", labelPlural: "Accounts", createable: true, updateable: true, deletable: true,
    fields: [
      ...head(), text("Name", "Account Name", 255, { ...REQUIRED, nameField: true }),
      picklist("Type", "Account Type", ["Prospect", "Customer - Direct", "Customer - Channel", "Partner", "Other"]),
      phone("Phone", "Account Phone"), field("Website", "Website", "url", { length: 255 }),
      textArea("Description", "Account Description"), owner(), ...audit(),
    ],
  },
  {
    name: "Contact", label: "Contact", labelPlural: "Contacts", createable: true, updateable: true, deletable: true,
    fields: [
      ...head(), ref("AccountId", "Account ID", ["Account"], "Account"), text("LastName", "Last Name", 80, REQUIRED),
      text("FirstName", "First Name", 40), fullName(), text("Title", "Title", 128), email(), phone(),
      phone("MobilePhone", "Mobile Phone"), textArea("Description", "Contact Description"), owner(), ...audit(),
    ],
  },
  {
    name: "Lead", label: "Lead", labelPlural: "Leads", createable: true, updateable: true, deletable: true,
    fields: [
      ...head(), text("LastName", "Last Name", 80, REQUIRED), text("FirstName", "First Name", 40), fullName(),
      text("Title", "Title", 128), text("Company", "Company", 255, REQUIRED), email(), phone(),
      picklist("Status", "Status", ["Open - Not Contacted", "Working - Contacted", "Closed - Converted", "Closed - Not Converted"],
        { nillable: false, defaultedOnCreate: true, defaultValue: "Open - Not Contacted" }),
      picklist("LeadSource", "Lead Source", ["Web", "Phone Inquiry", "Partner Referral", "Other"]),
      flag("IsConverted", "Converted", false, READ_ONLY), textArea("Description", "Description"), owner(), ...audit(),
    ],
  },
  {
    name: "Case", label: "Case", labelPlural: "Cases", createable: true, updateable: true, deletable: true,
    fields: [
      ...head(), text("CaseNumber", "Case Number", 30, { ...READ_ONLY, autoNumber: true, nameField: true, nillable: false, defaultedOnCreate: true }),
      ref("ContactId", "Contact ID", ["Contact"], "Contact"), ref("AccountId", "Account ID", ["Account"], "Account"),
      text("SuppliedName", "Name", 80), email("Email Address", 80, { name: "SuppliedEmail" }), text("Subject", "Subject", 255),
      textArea("Description", "Description"),
      picklist("Status", "Status", ["New", "Working", "Escalated", "Closed"], { nillable: false, defaultedOnCreate: true, defaultValue: "New" }),
      picklist("Origin", "Case Origin", ["Phone", "Email", "Web"]),
      picklist("Priority", "Priority", ["High", "Medium", "Low"], { defaultedOnCreate: true, defaultValue: "Medium" }),
      flag("IsClosed", "Closed", false, { ...READ_ONLY, calculated: true }), owner(), ...audit(),
    ],
  },
  {
    name: "User", label: "User", labelPlural: "Users", createable: true, updateable: true, deletable: false,
    fields: [
      field("Id", "User ID", "id", { ...READ_ONLY, nillable: false, defaultedOnCreate: true }),
      text("Username", "Username", 80, { ...REQUIRED, unique: true }), text("LastName", "Last Name", 80, REQUIRED),
      text("FirstName", "First Name", 40), fullName(), text("Alias", "Alias", 8, REQUIRED), email("Email", 128, REQUIRED),
      text("Title", "Title", 80), text("CompanyName", "Company Name", 80), flag("IsActive", "Active", true, { createable: true, updateable: true }),
      picklist("TimeZoneSidKey", "Time Zone", [], { ...REQUIRED, length: 40 }),
      picklist("LocaleSidKey", "Locale", [], { ...REQUIRED, length: 40 }),
      picklist("LanguageLocaleKey", "Language", [], { ...REQUIRED, length: 40 }),
      picklist("EmailEncodingKey", "Email Encoding", ["UTF-8", "ISO-8859-1"], { ...REQUIRED, length: 40, restrictedPicklist: true }),
      ...audit(),
    ],
  },
  {
    name: "Event", label: "Event", labelPlural: "Events", createable: true, updateable: true, deletable: true,
    fields: [
      ...head(), ref("WhoId", "Name ID", ["Contact", "Lead"], "Who"), ref("WhatId", "Related To ID", ["Account", "Case"], "What"),
      field("Subject", "Subject", "combobox", { length: 255, picklist: ["Call", "Email", "Meeting", "Send Letter/Quote", "Other"] }),
      text("Location", "Location", 255), flag("IsAllDayEvent", "All-Day Event", false),
      field("ActivityDateTime", "Due Date Time", "datetime"), field("ActivityDate", "Due Date Only", "date"),
      field("DurationInMinutes", "Duration", "int"), field("StartDateTime", "Start Date Time", "datetime"),
      field("EndDateTime", "End Date Time", "datetime"), textArea("Description", "Description"),
      ref("AccountId", "Account ID", ["Account"], "Account", READ_ONLY), owner("Assigned To ID"),
      picklist("Type", "Type", ["Call", "Email", "Meeting", "Other"]), flag("IsPrivate", "Private", false),
      picklist("ShowAs", "Show Time As", ["Busy", "OutOfOffice", "Free"], { defaultedOnCreate: true, defaultValue: "Busy" }),
      flag("IsChild", "Is Child", false, READ_ONLY), flag("IsGroupEvent", "Group Event", false, READ_ONLY), ...audit(),
      picklist("Event_Status__c", "Event status", EVENT_STATUS_VALUES, { restrictedPicklist: true }),
      textArea("Cancel_Reschedule_Reason__c", "Cancel/reschedule reason", 32768),
    ],
  },
];

export interface OrgShape {
  /** Whether Event has the package's custom fields (Event_Status__c, Cancel_Reschedule_Reason__c). */
  eventCustomFields: boolean;
}

export function sobjectDef(type: SObjectType, shape: OrgShape): SObjectDef {
  const def = DEFS.find((d) => d.name === type)!;
  if (type !== "Event" || shape.eventCustomFields) return def;
  return { ...def, fields: def.fields.filter((f) => !EVENT_CUSTOM_FIELDS.includes(f.name)) };
}

/** Field lookup is case-insensitive in Salesforce (`email` finds `Email`). */
export function findField(def: SObjectDef, name: string): FieldDef | undefined {
  const lower = name.toLowerCase();
  return def.fields.find((f) => f.name.toLowerCase() === lower);
}

/** The type name as Salesforce spells it, from any casing ("event" → "Event"). */
export function sobjectTypeNamed(name: string): SObjectType | undefined {
  const lower = name.toLowerCase();
  return DEFS.find((d) => d.name.toLowerCase() === lower)?.name;
}

const SOAP_TYPE: Record<FieldType, string> = {
  id: "tns:ID", reference: "tns:ID", string: "xsd:string", textarea: "xsd:string", email: "xsd:string",
  phone: "xsd:string", url: "xsd:string", picklist: "xsd:string", combobox: "xsd:string",
  datetime: "xsd:dateTime", date: "xsd:date", int: "xsd:int", boolean: "xsd:boolean",
};

function describeField(f: FieldDef) {
  const textual = f.length > 0 && f.type !== "id" && f.type !== "reference";
  return {
    aggregatable: f.type !== "textarea", aiPredictionField: false, autoNumber: f.autoNumber,
    byteLength: textual ? f.length * 3 : f.length, calculated: f.calculated, calculatedFormula: null,
    cascadeDelete: false, caseSensitive: false, compoundFieldName: f.name === "FirstName" || f.name === "LastName" ? "Name" : null,
    controllerName: null, createable: f.createable, custom: f.name.endsWith("__c"), defaultValue: f.defaultValue,
    defaultValueFormula: null, defaultedOnCreate: f.defaultedOnCreate, dependentPicklist: false,
    deprecatedAndHidden: false, digits: f.type === "int" ? 9 : 0, displayLocationInDecimal: false, encrypted: false,
    externalId: false, extraTypeInfo: f.type === "textarea" ? "plaintextarea" : null, filterable: f.type !== "textarea",
    filteredLookupInfo: null, formulaTreatNullNumberAsZero: false, groupable: !["textarea", "datetime"].includes(f.type),
    highScaleNumber: false, htmlFormatted: false, idLookup: f.type === "id" || f.unique || f.name === "Email",
    inlineHelpText: null, label: f.label, length: f.length, mask: null, maskType: null, name: f.name,
    nameField: f.nameField, namePointing: f.referenceTo.length > 1, nillable: f.nillable,
    permissionable: f.nillable && f.createable, picklistValues: f.picklist.map((value) => ({
      active: true, defaultValue: value === f.defaultValue, label: value, validFor: null, value,
    })),
    polymorphicForeignKey: f.referenceTo.length > 1, precision: 0, queryByDistance: false, referenceTargetField: null,
    referenceTo: f.referenceTo, relationshipName: f.relationshipName, relationshipOrder: null, restrictedDelete: false,
    restrictedPicklist: f.restrictedPicklist, scale: 0, searchPrefilterable: false, soapType: SOAP_TYPE[f.type],
    sortable: f.type !== "textarea", type: f.type, unique: f.unique, updateable: f.updateable, writeRequiresMasterRead: false,
  };
}

function summary(def: SObjectDef, version: string) {
  const base = `/services/data/v${version}/sobjects/${def.name}`;
  return {
    activateable: false, associateEntityType: null, associateParentEntity: null, createable: def.createable, custom: false,
    customSetting: false, deepCloneable: false, deletable: def.deletable, deprecatedAndHidden: false, feedEnabled: false,
    hasSubtypes: false, isInterface: false, isSubtype: false, keyPrefix: KEY_PREFIXES[def.name], label: def.label,
    labelPlural: def.labelPlural, layoutable: true, mergeable: def.name !== "Event" && def.name !== "User",
    mruEnabled: true, name: def.name, queryable: true, replicateable: true, retrieveable: true, searchable: true,
    triggerable: true, undeletable: def.deletable, updateable: def.updateable,
    urls: { rowTemplate: `${base}/{ID}`, defaultValues: `${base}/defaultValues?recordTypeId&fields`, describe: `${base}/describe`, sobject: base },
  };
}

export function describeSObject(def: SObjectDef, version: string) {
  return {
    ...summary(def, version), actionOverrides: [], childRelationships: [], compactLayoutable: true,
    defaultImplementation: null, extendedBy: null, extendsInterfaces: null, fields: def.fields.map(describeField),
    implementedBy: null, implementsInterfaces: null, listviewable: null, lookupLayoutable: null, namedLayoutInfos: [],
    networkScopeFieldName: null, recordTypeInfos: [], searchLayoutable: true, supportedScopes: [],
  };
}

export function describeGlobal(shape: OrgShape, version: string) {
  return {
    encoding: "UTF-8", maxBatchSize: 200,
    sobjects: DEFS.map((d) => summary(sobjectDef(d.name, shape), version)),
  };
}

export function sobjectInfo(def: SObjectDef, version: string) {
  return { objectDescribe: summary(def, version), recentItems: [] };
}
