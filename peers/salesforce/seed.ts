import type { Org, SfRecord } from "./store.js";

/**
 * The default org: users whose e-mails match Bookstream's demo account (so the demo can map its
 * members to Salesforce users), one inactive user, an account, contacts and leads whose e-mails
 * match the demo's first generated customers, a contact with an apostrophe (SOQL escaping), a lead
 * sharing an e-mail with a contact (real orgs have duplicates), and a case.
 */
export const SEED_USERS = [
  { Username: "ada@bookstream-demo.example", FirstName: "Ada", LastName: "Admin", Email: "admin@demo.bookstream.test", Alias: "aadmin", TimeZoneSidKey: "America/New_York", IsActive: true },
  { Username: "max@bookstream-demo.example", FirstName: "Max", LastName: "Member", Email: "member@demo.bookstream.test", Alias: "mmember", TimeZoneSidKey: "Europe/London", IsActive: true },
  { Username: "ingrid@bookstream-demo.example", FirstName: "Ingrid", LastName: "Integration", Email: "integration@bookstream-demo.example", Alias: "iinteg", TimeZoneSidKey: "Europe/Berlin", IsActive: true },
  { Username: "olivia@bookstream-demo.example", FirstName: "Olivia", LastName: "Former", Email: "former@demo.bookstream.test", Alias: "oformer", TimeZoneSidKey: "America/Chicago", IsActive: false },
];

const USER_DEFAULTS = { LocaleSidKey: "en_US", LanguageLocaleKey: "en_US", EmailEncodingKey: "UTF-8" };

export function seedOrg(org: Org, opts: { empty: boolean }): void {
  const users = (opts.empty ? SEED_USERS.slice(0, 1) : SEED_USERS).map((u) => ({ ...USER_DEFAULTS, ...u }));
  // The first user creates itself: every org starts with its administrator.
  const admin = org.create("User", { ...users[0], IsActive: true }, "");
  Object.assign(admin, { CreatedById: admin.Id, LastModifiedById: admin.Id });
  const adminId = String(admin.Id);
  for (const u of users.slice(1)) org.create("User", u, adminId);
  if (opts.empty) return;
  const [ada, max] = org.list("User").map((u) => String(u.Id));
  const make = (type: Parameters<Org["create"]>[0], values: Record<string, unknown>, owner = ada): SfRecord =>
    org.create(type, { OwnerId: owner, ...values }, adminId);
  const account = make("Account", { Name: "Northwind Clinic", Type: "Customer - Direct", Phone: "+1 555 0100", Website: "https://northwind-clinic.example" });
  make("Contact", { FirstName: "John", LastName: "Moreau", Email: "john.moreau.1@example.com", Phone: "+1 555 0101", AccountId: account.Id, Title: "Practice Manager" });
  make("Contact", { FirstName: "Priya", LastName: "Tanaka", Email: "priya.tanaka.2@example.com", Phone: "+1 555 0102", AccountId: account.Id });
  const mateo = make("Contact", { FirstName: "Mateo", LastName: "Okafor", Email: "mateo.okafor.3@example.com", Phone: "+1 555 0103" }, max);
  make("Contact", { FirstName: "Siobhan", LastName: "O'Brien", Email: "siobhan.o'brien@example.com", Phone: "+353 1 555 0104" });
  make("Lead", { FirstName: "Chen", LastName: "Lindqvist", Email: "chen.lindqvist.4@example.com", Company: "Lindqvist Physio", LeadSource: "Web" });
  make("Lead", { FirstName: "Fatima", LastName: "Haddad", Email: "fatima.haddad.5@example.com", Company: "Haddad & Co", LeadSource: "Phone Inquiry" }, max);
  make("Lead", { FirstName: "Priya", LastName: "Tanaka", Email: "priya.tanaka.2@example.com", Company: "Tanaka Design", LeadSource: "Other" });
  make("Case", { Subject: "Onboarding questions", ContactId: mateo.Id, SuppliedEmail: "mateo.okafor.3@example.com", Origin: "Web", Description: "Wants a walkthrough of the booking pages." }, max);
}
