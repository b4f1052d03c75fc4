import { redactSecretLinks } from "../src/domain/secret-links.js";
import { crc32, inflateRawSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { client, customer, futureSlots } from "./support/harness.js";
import { act, book, details, streamIds } from "./support/lifecycle-drive.js";
import { paidAccount, payAndBook, startPaymentsEnv, type PaymentsEnv } from "./support/payments.js";
import { ENGINES } from "./support/harness.js";

/** A ZIP's entries (name → bytes), read from its central directory, each checked against its CRC-32. */
function unzip(buf: Buffer): Map<string, Buffer> {
  const end = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = buf.readUInt16LE(end + 10);
  let at = buf.readUInt32LE(end + 16);
  const out = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    expect(buf.readUInt32LE(at)).toBe(0x02014b50);
    const crc = buf.readUInt32LE(at + 16);
    const size = buf.readUInt32LE(at + 20);
    const nameLen = buf.readUInt16LE(at + 28);
    const local = buf.readUInt32LE(at + 42);
    const name = buf.subarray(at + 46, at + 46 + nameLen).toString("utf8");
    const dataAt = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const data = inflateRawSync(buf.subarray(dataAt, dataAt + size));
    expect(crc32(data) >>> 0, name).toBe(crc);
    out.set(name, data);
    at += 46 + nameLen;
  }
  return out;
}

describe.each(ENGINES)("privacy requests on $name", (engine) => {
  let env: PaymentsEnv;
  beforeAll(async () => {
    env = await startPaymentsEnv(engine);
  });
  afterAll(async () => env?.close());
  const show = (r: { body: unknown }) => JSON.stringify(r.body);

  it("exports a customer's activities, answers, history, messages and payments as JSON, and as a ZIP with their invoice (admins only)", async () => {
    const acct = await paidAccount(env);
    const admin = client(env.server.url, acct.admin.token);
    const paid = await payAndBook(env, acct);
    expect(paid.done.status, show(paid.done)).toBe(200);
    const bookingId = (await env.server.handle.executeSql("SELECT id, customer_id FROM activities WHERE account_id = $1 AND type = 'booking'", [acct.accountId])).rows[0] as any;
    const booking = await details(admin, bookingId.id);
    await act(admin, booking.id, "cancel", { reason: "Privacy test" });
    const r = await admin.get(`/api/v1/customers/${booking.customer.id}/export`);
    expect(r.status, show(r)).toBe(200);
    expect(r.body.customer).toMatchObject({ id: booking.customer.id, email: booking.customer.email, name: booking.customer.name });
    const types = r.body.activities.map((a: any) => a.type).sort();
    expect(types).toContain("booking");
    expect(types).toContain("transaction");
    const b = r.body.activities.find((a: any) => a.id === booking.id);
    expect(b.history.map((h: any) => h.action)).toContain("cancel");
    expect(b.reason).toBe("Privacy test");
    expect(r.body.payments[0]).toMatchObject({ kind: "payment", amount: { value: "50.00", currency: "USD" }, state: "completed" });
    // A copy of an e-mail never hands out the manage link inside it (it is a credential).
    expect(JSON.stringify(r.body)).not.toMatch(/\/manage\/(?!\[redacted\])[A-Za-z0-9_-]{8,}/);
    expect(redactSecretLinks("Manage: https://b.example/manage/AbC123xyz_-9 (or /feeds/tok123.ics)")).toBe("Manage: https://b.example/manage/[redacted] (or /feeds/[redacted])");

    const z = await fetch(`${env.server.url}/api/v1/customers/${booking.customer.id}/export?format=zip`, { headers: { authorization: `Bearer ${acct.admin.token}` } });
    expect(z.status).toBe(200);
    expect(z.headers.get("content-type")).toContain("application/zip");
    const files = unzip(Buffer.from(await z.arrayBuffer()));
    expect(JSON.parse(files.get("data.json")!.toString("utf8")).customer.id).toBe(booking.customer.id);
    const pdfs = [...files.keys()].filter((n) => n.startsWith("invoices/") && n.endsWith(".pdf"));
    expect(pdfs.length).toBeGreaterThanOrEqual(1);
    for (const p of pdfs) expect(files.get(p)!.subarray(0, 5).toString()).toBe("%PDF-");

    const member = client(env.server.url, acct.member.token);
    expect((await member.get(`/api/v1/customers/${booking.customer.id}/export`)).status).toBe(403);
    const other = await paidAccount(env);
    expect((await client(env.server.url, other.admin.token).get(`/api/v1/customers/${booking.customer.id}/export`)).status).toBe(404);
  });

  it("forgets a customer by e-mail: counts first, then moves every activity of that address to the Trash in one go, or deletes them now", async () => {
    const acct = await paidAccount(env);
    const admin = client(env.server.url, acct.admin.token);
    const person = customer(7);
    const slots = futureSlots(env.server, 3, 24 * 5);
    const mine: string[] = [];
    for (const s of slots.slice(0, 2)) {
      const r = await admin.post("/api/v1/bookings", { bookingPageId: acct.otherPage.id, start: s, customer: person });
      expect(r.status, show(r)).toBe(201);
      mine.push(r.body.activity.id);
    }
    const someoneElse = await book(env.server, acct.otherPage.slug, slots[2]);

    const dry = await admin.post("/api/v1/customers/forget", { email: person.email.toUpperCase(), dryRun: true });
    expect(dry.status, show(dry)).toBe(200);
    expect(dry.body).toMatchObject({ count: 2, byType: { booking: 2, package: 0, transaction: 0 }, dryRun: true, moved: [] });
    expect((await streamIds(admin, "")).sort()).toEqual([...mine, someoneElse.id].sort());

    const done = await admin.post("/api/v1/customers/forget", { email: person.email });
    expect(done.status, show(done)).toBe(200);
    expect(done.body.moved.sort()).toEqual([...mine].sort());
    expect(done.body.deletesAt).toEqual(expect.any(String));
    expect(await streamIds(admin, "")).toEqual([someoneElse.id]);
    expect((await admin.get("/api/v1/trash")).body.total).toBe(2);
    // Nothing left to forget; and "Delete permanently now" follows for what is in the Trash.
    expect((await admin.post("/api/v1/customers/forget", { email: person.email, dryRun: true })).body.count).toBe(0);
    for (const id of mine) expect((await admin.post(`/api/v1/activities/${id}/actions/delete-permanently`)).status).toBe(200);

    const again = await admin.post("/api/v1/bookings", { bookingPageId: acct.otherPage.id, start: slots[0], customer: person });
    expect(again.status, show(again)).toBe(201);
    const now = await admin.post("/api/v1/customers/forget", { email: person.email, deleteNow: true });
    expect(now.status, show(now)).toBe(200);
    expect(now.body.purge.counts).toMatchObject({ bookings: 1, customers: 1 });
    expect((await admin.get(`/api/v1/activities/${again.body.activity.id}`)).status).toBe(404);
    expect((await client(env.server.url, acct.member.token).post("/api/v1/customers/forget", { email: person.email, dryRun: true })).status).toBe(403);
  });
});
