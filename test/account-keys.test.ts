import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findUserByEmail, insertUser } from "../src/store/accounts-repo.js";
import { findPageBySlug, insertBookingPage } from "../src/store/pages-repo.js";
import { emailTaken } from "../src/store/team-repo.js";
import { slugTaken } from "../src/store/page-settings-repo.js";
import { ENGINES, EVERY_DAY_ALL_DAY, newAccount, startTestServer, type TestServer } from "./support/harness.js";

/**
 * Issue 16, "past one server": every key of a table holding an account's data carries account_id
 * (migration 025), so the schema can be distributed by account on Citus without rewriting. The
 * test reads the catalog: a new table, key, unique index or foreign key without account_id fails
 * here until it has one, or until it is added below with the reason it is not distributed.
 */
const NOT_DISTRIBUTED: Record<string, { citus: "distributed by id" | "reference" | "coordinator"; why: string }> = {
  accounts: { citus: "distributed by id", why: "its id is every other table's account_id" },
  schema_migrations: { citus: "reference", why: "which migrations ran: one list for the whole database" },
  outbox_consumers: { citus: "reference", why: "the consumers' names, the same in every account" },
  global_names: { citus: "reference", why: "names unique across accounts (e-mails, page addresses): the directory read to find the account" },
  sign_in_failures: { citus: "coordinator", why: "counted per e-mail and address before any account is known" },
  idempotency_keys: { citus: "coordinator", why: "the customer pages share one scope, before the page's account is read" },
};

interface Key { table: string; name: string; type: string; def: string; columns: string[] }

describe.each(ENGINES)("account keys on $name", (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(engine);
  });
  afterAll(async () => server?.close());

  const rows = async <T,>(q: ReturnType<typeof sql<T>>) => (await q.execute(server.handle.db)).rows;

  const tables = async () =>
    (await rows(sql<{ name: string; account_id: string | null }>`
      SELECT c.relname AS name, (SELECT format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
                                   FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'account_id' AND NOT a.attisdropped) AS account_id
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')
       ORDER BY 1`));

  /** Primary keys, unique and exclusion constraints, foreign keys, and unique indexes that back no constraint. */
  const keys = async (): Promise<Key[]> => [
    ...(await rows(sql<Key>`
      SELECT c.conrelid::regclass::text AS table, c.conname AS name, c.contype AS type, pg_get_constraintdef(c.oid) AS def,
             array(SELECT a.attname::text FROM unnest(c.conkey) k JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k) AS columns
        FROM pg_constraint c JOIN pg_class r ON r.oid = c.conrelid JOIN pg_namespace n ON n.oid = r.relnamespace
       WHERE n.nspname = current_schema() AND c.contype IN ('p', 'u', 'f', 'x')`)),
    ...(await rows(sql<Key>`
      SELECT i.indrelid::regclass::text AS table, ic.relname AS name, 'unique index' AS type, pg_get_indexdef(i.indexrelid) AS def,
             array(SELECT a.attname::text FROM unnest(i.indkey::int2[]) k JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k) AS columns
        FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_namespace n ON n.oid = ic.relnamespace
       WHERE n.nspname = current_schema() AND i.indisunique
         AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)`)),
  ];

  it("every table outside the short list has a NOT NULL account_id, and the list names only tables that exist", async () => {
    const all = await tables();
    expect(all.length).toBeGreaterThan(40);
    const names = new Set(all.map((t) => t.name));
    expect(Object.keys(NOT_DISTRIBUTED).filter((t) => !names.has(t))).toEqual([]);
    const without = all.filter((t) => !(t.name in NOT_DISTRIBUTED) && t.account_id !== "uuid not null").map((t) => `${t.name} (${t.account_id ?? "no account_id"})`);
    expect(without).toEqual([]);
  });

  it("every primary key, unique constraint, unique index, exclusion constraint and foreign key of those tables carries account_id", async () => {
    const all = await keys();
    expect(all.filter((k) => k.type === "f").length).toBeGreaterThan(40);
    const missing = all
      .filter((k) => !(k.table in NOT_DISTRIBUTED) && !k.columns.includes("account_id"))
      // A foreign key to a reference table (the same rows on every node) needs no account.
      .filter((k) => !(k.type === "f" && NOT_DISTRIBUTED[/REFERENCES (\w+)\(/.exec(k.def)?.[1] ?? ""]?.citus === "reference"))
      .map((k) => `${k.table}.${k.name}: ${k.def}`);
    expect(missing).toEqual([]);
  });

  it("a foreign key matches account_id to the referenced row's account (its account_id, or the account's own id)", async () => {
    const pairs = await rows(sql<{ table: string; name: string; ref: string; local: string; remote: string }>`
      SELECT c.conrelid::regclass::text AS table, c.conname AS name, c.confrelid::regclass::text AS ref, la.attname::text AS local, ra.attname::text AS remote
        FROM pg_constraint c JOIN pg_class r ON r.oid = c.conrelid JOIN pg_namespace n ON n.oid = r.relnamespace
        CROSS JOIN LATERAL unnest(c.conkey, c.confkey) AS k(l, f)
        JOIN pg_attribute la ON la.attrelid = c.conrelid AND la.attnum = k.l
        JOIN pg_attribute ra ON ra.attrelid = c.confrelid AND ra.attnum = k.f
       WHERE n.nspname = current_schema() AND c.contype = 'f' AND la.attname = 'account_id'`);
    expect(pairs.length).toBeGreaterThan(40);
    const wrong = pairs.filter((p) => !(p.remote === "account_id" || (p.ref === "accounts" && p.remote === "id"))).map((p) => `${p.table}.${p.name} → ${p.ref}.${p.remote}`);
    expect(wrong).toEqual([]);
    // Citus forbids a reference table pointing at a distributed one.
    const fromReference = (await keys()).filter((k) => k.type === "f" && NOT_DISTRIBUTED[k.table]?.citus === "reference").map((k) => `${k.table}.${k.name}`);
    expect(fromReference).toEqual([]);
  });

  it("a row cannot point at another account's row: the foreign key matches the account too", async () => {
    const a = await newAccount(server, "Keys A");
    const b = await newAccount(server, "Keys B");
    const err = await insertBookingPage(server.handle.db, {
      id: randomUUID(), account_id: b.accountId, slug: `cross-${randomUUID().slice(0, 8)}`, name: "Cross", owner_id: a.admin.id,
      time_zone: "UTC", duration_minutes: 30, mode: "automatic", location: null, open_hours: EVERY_DAY_ALL_DAY,
    }).then(() => undefined, (e: any) => e);
    expect(err?.code).toBe("23503");
    expect(err?.constraint).toBe("booking_pages_owner_id_fkey");
  });

  it("e-mails and page addresses stay unique across accounts through the directory, which follows changes and deletions", async () => {
    const db = server.handle.db;
    const a = await newAccount(server, "Names A");
    const b = await newAccount(server, "Names B");
    const directory = async (kind: string, name: string) =>
      (await rows(sql<{ account_id: string }>`SELECT account_id FROM global_names WHERE kind = ${kind} AND name = ${name.toLowerCase()}`)).map((r) => r.account_id);

    // A's admin's e-mail, in any case, cannot be another user's, in A or in B.
    expect(await directory("user_email", a.admin.email)).toEqual([a.accountId]);
    const dup = await insertUser(db, { id: randomUUID(), account_id: b.accountId, email: a.admin.email.toUpperCase(), name: "Dup", role: "member", password_hash: null, time_zone: "UTC" })
      .then(() => undefined, (e: any) => e);
    expect(dup?.code).toBe("23505");
    expect(await emailTaken(db, a.admin.email.toUpperCase())).toBe(true);
    expect((await findUserByEmail(db, a.admin.email.toUpperCase()))?.id).toBe(a.admin.id);

    // A changed e-mail frees the old one and takes the new one.
    const renamed = `renamed-${randomUUID().slice(0, 8)}@example.test`;
    await db.updateTable("users").set({ email: renamed }).where("account_id", "=", a.accountId).where("id", "=", a.member.id).execute();
    expect(await directory("user_email", a.member.email)).toEqual([]);
    expect(await directory("user_email", renamed)).toEqual([a.accountId]);
    expect((await findUserByEmail(db, renamed))?.id).toBe(a.member.id);
    expect(await findUserByEmail(db, a.member.email)).toBeUndefined();

    // A live page's address is B's to take only once A's page is deleted.
    const slug = a.autoPage.slug;
    expect(await slugTaken(db, slug.toUpperCase())).toBe(true);
    const newPage = (id: string) => insertBookingPage(db, {
      id, account_id: b.accountId, slug, name: "Taken", owner_id: b.admin.id, time_zone: "UTC", duration_minutes: 30, mode: "automatic", location: null, open_hours: EVERY_DAY_ALL_DAY,
    });
    const taken = await newPage(randomUUID()).then(() => undefined, (e: any) => e);
    expect(taken?.code).toBe("23505");
    await db.updateTable("booking_pages").set({ deleted_at: new Date() }).where("account_id", "=", a.accountId).where("id", "=", a.autoPage.id).execute();
    expect(await directory("booking_page_slug", slug)).toEqual([]);
    expect(await findPageBySlug(db, slug)).toBeUndefined();
    const bPage = randomUUID();
    await newPage(bPage);
    expect(await directory("booking_page_slug", slug)).toEqual([b.accountId]);
    expect((await findPageBySlug(db, slug.toUpperCase()))?.id).toBe(bPage);

    // A deleted user's e-mail is free again.
    const temp = `temp-${randomUUID().slice(0, 8)}@example.test`;
    const tempId = randomUUID();
    await insertUser(db, { id: tempId, account_id: b.accountId, email: temp, name: "Temp", role: "member", password_hash: null, time_zone: "UTC" });
    await db.deleteFrom("users").where("account_id", "=", b.accountId).where("id", "=", tempId).execute();
    expect(await directory("user_email", temp)).toEqual([]);
  });
});
