import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINES, client, customer, futureSlots, newAccount, startTestServer, type TestAccount, type TestServer } from "./support/harness.js";
import { createPage, slots } from "./support/scheduling.js";

/**
 * Booking pages, event types and master pages from the settings screens' side: the list with the
 * caller's access, duplicate, delete (refused while live bookings exist, with their count), the
 * permission table (admin, owner, editor, viewer, outsider) for every new endpoint, the account's
 * look on the customer pages, and a deactivated host offering no times.
 */
describe.each(ENGINES)("booking page settings API on $name", (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(engine);
  });
  afterAll(async () => server?.close());

  /** The account with an editor on the admin's automatic page (the viewer is already its viewer). */
  async function accountWithEditor(): Promise<TestAccount> {
    const acct = await newAccount(server);
    const r = await client(server.url, acct.admin.token).call("PUT", `/api/v1/booking-pages/${acct.autoPage.id}/members`, {
      members: [{ userId: acct.outsider.id, role: "editor" }, { userId: acct.viewer.id, role: "viewer" }],
    });
    expect(r.status).toBe(200);
    return acct;
  }

  it("lists the pages each caller may see with their access, in one answer", async () => {
    const acct = await accountWithEditor();
    const list = async (token: string) => (await client(server.url, token).get("/api/v1/booking-pages")).body.items as any[];
    const byAdmin = await list(acct.admin.token);
    expect(byAdmin.map((p) => p.slug).sort()).toEqual([acct.approvalPage.slug, acct.autoPage.slug, acct.otherPage.slug].sort());
    expect(byAdmin.every((p) => p.access === "manage")).toBe(true);
    const auto = byAdmin.find((p) => p.id === acct.autoPage.id);
    expect(auto).toMatchObject({ ownerId: acct.admin.id, ownerName: expect.stringContaining("Admin"), team: false, publicUrl: `http://bookstream.test/book/${acct.autoPage.slug}` });
    expect(auto.eventTypes.map((e: any) => e.name)).toEqual(["Long", "Short"]);
    expect((await list(acct.outsider.token)).map((p) => [p.id, p.access])).toEqual([[acct.autoPage.id, "edit"]]);
    expect((await list(acct.viewer.token)).map((p) => [p.id, p.access])).toEqual([[acct.autoPage.id, "view"]]);
    expect((await list(acct.member.token)).map((p) => [p.id, p.access])).toEqual([[acct.approvalPage.id, "manage"]]);
  });

  it("duplicates a page with its settings, event types and questions under a new address", async () => {
    const acct = await accountWithEditor();
    const admin = client(server.url, acct.admin.token);
    await admin.call("PATCH", `/api/v1/booking-pages/${acct.autoPage.id}`, { minNoticeMinutes: 120, questions: [{ id: "topic", label: "Topic?", required: true }], policyMinutes: 60 });
    await admin.call("PUT", `/api/v1/booking-pages/${acct.autoPage.id}/hosts`, { userIds: [acct.admin.id, acct.member.id] });
    const slug = `copy-${acct.accountId.slice(0, 8)}`;
    const copy = await admin.post(`/api/v1/booking-pages/${acct.autoPage.id}/duplicate`, { slug, name: "Copy" });
    expect(copy.status, JSON.stringify(copy.body)).toBe(201);
    expect(copy.body).toMatchObject({
      slug, name: "Copy", ownerId: acct.admin.id, minNoticeMinutes: 120, policyMinutes: 60, team: true, hostIds: [acct.admin.id, acct.member.id],
      questions: [{ id: "topic", label: "Topic?", required: true }],
    });
    expect(copy.body.eventTypes.map((e: any) => e.name)).toEqual(["Long", "Short"]);
    expect(copy.body.eventTypes.map((e: any) => e.id)).not.toContain(acct.autoPage.eventTypes[0].id);
    expect(copy.body.members).toHaveLength(2);
    // An editor's copy is their own, without the team and sharing.
    const editor = client(server.url, acct.outsider.token);
    const own = await editor.post(`/api/v1/booking-pages/${acct.autoPage.id}/duplicate`, { slug: `${slug}-e`, name: "Mine" });
    expect(own.body).toMatchObject({ ownerId: acct.outsider.id, team: false, members: [], minNoticeMinutes: 120 });
    const taken = await admin.post(`/api/v1/booking-pages/${acct.autoPage.id}/duplicate`, { slug: slug.toUpperCase(), name: "Again" });
    expect(taken.status).toBe(409);
    expect(taken.body.error.details.field).toBe("slug");
    const badSlug = await admin.post(`/api/v1/booking-pages/${acct.autoPage.id}/duplicate`, { slug: "no spaces", name: "X" });
    expect(badSlug.body.error.details.field).toBe("body.slug");
  });

  it("refuses to delete a page or event type while live bookings exist, saying how many; then deletes and frees the address", async () => {
    const acct = await newAccount(server);
    const admin = client(server.url, acct.admin.token);
    const page = await createPage(server, acct.admin, { eventTypes: [{ name: "Intro", durationMinutes: 30 }, { name: "Spare", durationMinutes: 45 }], openHours: Object.fromEntries(["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map((d) => [d, [["00:00", "24:00"]]])) });
    const [intro, spare] = [...page.eventTypes].sort((a: any, b: any) => a.name.localeCompare(b.name)) as any[];
    const starts = futureSlots(server, 2, 50);
    for (const [i, start] of starts.entries()) {
      const r = await client(server.url).post(`/api/v1/public/pages/${page.slug}/bookings`, { start, customer: customer(i), eventTypeId: intro.id });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    }
    const refused = await admin.call("DELETE", `/api/v1/booking-pages/${page.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.details).toMatchObject({ reason: "live_bookings", liveBookings: 2 });
    expect(refused.body.error.message).toContain("2 live bookings");
    const etRefused = await admin.call("DELETE", `/api/v1/booking-pages/${page.id}/event-types/${intro.id}`);
    expect(etRefused.status).toBe(409);
    expect(etRefused.body.error.details.liveBookings).toBe(2);
    // An unused event type goes at once; customers no longer see it.
    expect((await admin.call("DELETE", `/api/v1/booking-pages/${page.id}/event-types/${spare.id}`)).status).toBe(204);
    expect((await client(server.url).get(`/api/v1/public/pages/${page.slug}`)).body.eventTypes.map((e: any) => e.name)).toEqual(["Intro"]);
    const withSpare = await client(server.url).post(`/api/v1/public/pages/${page.slug}/bookings`, { start: futureSlots(server, 1, 80)[0], customer: customer(9), eventTypeId: spare.id });
    expect(withSpare.status).toBe(400);

    // Once the meetings are over they are history, not live: the page may go.
    server.clock.moveTo(new Date(Date.parse(starts[1]) + 2 * 3_600_000));
    const m = await admin.post("/api/v1/master-pages", { slug: `m-${page.slug}`, name: "Front door", routing: "round_robin", targets: [{ bookingPageId: page.id }] });
    const routed = await admin.call("DELETE", `/api/v1/booking-pages/${page.id}`);
    expect(routed.status).toBe(409);
    expect(routed.body.error.details.reason).toBe("master_pages");
    expect(routed.body.error.message).toContain("Front door");
    expect((await admin.call("DELETE", `/api/v1/master-pages/${m.body.id}`)).status).toBe(204);
    expect((await client(server.url).get(`/api/v1/public/master-pages/m-${page.slug}`)).status).toBe(404);

    expect((await admin.call("DELETE", `/api/v1/booking-pages/${page.id}`)).status).toBe(204);
    expect((await client(server.url).get(`/api/v1/public/pages/${page.slug}`)).status).toBe(404);
    expect((await admin.get(`/api/v1/booking-pages/${page.id}`)).status).toBe(404);
    expect((await admin.get("/api/v1/booking-pages")).body.items.map((p: any) => p.id)).not.toContain(page.id);
    // Its past bookings stay in the stream under its name; its address is free again.
    const history = await admin.get(`/api/v1/activities?bookingPageId=${page.id}`);
    expect(history.body.items).toHaveLength(2);
    expect(history.body.items[0].bookingPage.name).toBe("Scheduling test page");
    const reused = await createPage(server, acct.admin, { slug: page.slug });
    expect(reused.id).not.toBe(page.id);
    expect((await admin.call("DELETE", `/api/v1/booking-pages/${page.id}`)).status).toBe(404);
  });

  it("answers the permission table for the new page endpoints: admin, owner, editor, viewer, outsider", async () => {
    const acct = await accountWithEditor();
    const who = { admin: acct.admin, editor: acct.outsider, viewer: acct.viewer, member: acct.member } as const;
    const slug = (tag: string) => `perm-${tag}-${Math.random().toString(36).slice(2, 10)}`;
    const expectStatus = async (actor: keyof typeof who, method: string, path: string, body: unknown, status: number) => {
      const r = await client(server.url, who[actor].token).call(method, path, body);
      expect(r.status, `${actor} ${method} ${path}: ${JSON.stringify(r.body)}`).toBe(status);
      return r;
    };
    const page = acct.autoPage.id;
    // Duplicate: who may edit (admin, owner, editor); a viewer may not; someone without access sees nothing.
    await expectStatus("admin", "POST", `/api/v1/booking-pages/${page}/duplicate`, { slug: slug("a"), name: "A" }, 201);
    await expectStatus("editor", "POST", `/api/v1/booking-pages/${page}/duplicate`, { slug: slug("e"), name: "E" }, 201);
    await expectStatus("viewer", "POST", `/api/v1/booking-pages/${page}/duplicate`, { slug: slug("v"), name: "V" }, 403);
    await expectStatus("member", "POST", `/api/v1/booking-pages/${page}/duplicate`, { slug: slug("m"), name: "M" }, 404);
    // Event type delete: edit rights.
    const et = await client(server.url, acct.admin.token).post(`/api/v1/booking-pages/${page}/event-types`, { name: "Temp", durationMinutes: 20 });
    await expectStatus("viewer", "DELETE", `/api/v1/booking-pages/${page}/event-types/${et.body.id}`, undefined, 403);
    await expectStatus("member", "DELETE", `/api/v1/booking-pages/${page}/event-types/${et.body.id}`, undefined, 404);
    await expectStatus("editor", "DELETE", `/api/v1/booking-pages/${page}/event-types/${et.body.id}`, undefined, 204);
    await expectStatus("editor", "DELETE", `/api/v1/booking-pages/${page}/event-types/${et.body.id}`, undefined, 404);
    // Page delete: the owner or an admin; an editor or viewer may not.
    await expectStatus("editor", "DELETE", `/api/v1/booking-pages/${page}`, undefined, 403);
    await expectStatus("viewer", "DELETE", `/api/v1/booking-pages/${page}`, undefined, 403);
    await expectStatus("member", "DELETE", `/api/v1/booking-pages/${page}`, undefined, 404);
    await expectStatus("member", "DELETE", `/api/v1/booking-pages/${acct.approvalPage.id}`, undefined, 204); // its owner
    await expectStatus("admin", "DELETE", `/api/v1/booking-pages/${page}`, undefined, 204);
    // Master pages: admins only.
    const master = await client(server.url, acct.admin.token).post("/api/v1/master-pages", { slug: slug("mp"), name: "MP", routing: "customer_choice", targets: [{ bookingPageId: acct.otherPage.id }] });
    await expectStatus("member", "DELETE", `/api/v1/master-pages/${master.body.id}`, undefined, 403);
    await expectStatus("admin", "DELETE", `/api/v1/master-pages/${master.body.id}`, undefined, 204);
    await expectStatus("admin", "DELETE", `/api/v1/master-pages/${master.body.id}`, undefined, 404);
    // Another account's page or master page is not found.
    const other = await newAccount(server, "Other");
    expect((await client(server.url, other.admin.token).call("DELETE", `/api/v1/booking-pages/${acct.otherPage.id}`)).status).toBe(404);
    expect((await client(server.url, other.admin.token).post(`/api/v1/booking-pages/${acct.otherPage.id}/duplicate`, { slug: slug("o"), name: "O" })).status).toBe(404);
  });

  it("shows the business name, logo and colour on the customer pages; admins change them", async () => {
    const acct = await newAccount(server, "Keller Physio");
    const admin = client(server.url, acct.admin.token);
    expect((await admin.get("/api/v1/account")).body).toMatchObject({ name: "Keller Physio", brandColor: null, defaultTimeZone: "UTC", logoUrl: null });
    const patched = await admin.call("PATCH", "/api/v1/account", { name: "Keller Physiotherapy", brandColor: "#0F766E", defaultTimeZone: "Europe/Zurich" });
    expect(patched.body).toMatchObject({ name: "Keller Physiotherapy", brandColor: "#0f766e", defaultTimeZone: "Europe/Zurich" });
    expect((await admin.call("PATCH", "/api/v1/account", {})).body.name).toBe("Keller Physiotherapy");
    for (const [body, field] of [[{ brandColor: "teal" }, "body.brandColor"], [{ defaultTimeZone: "Nowhere/Land" }, "body.defaultTimeZone"], [{ name: "" }, "body.name"]] as const) {
      const r = await admin.call("PATCH", "/api/v1/account", body);
      expect(r.status).toBe(400);
      expect(r.body.error.details.field).toBe(field);
    }
    const png = Buffer.from("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cf00000301010018dd8db40000000049454e44ae426082", "hex");
    const notPng = await admin.call("PUT", "/api/v1/account/logo", { dataUrl: `data:image/png;base64,${Buffer.from("GIF89a not a png").toString("base64")}` });
    expect(notPng.status).toBe(400);
    expect(notPng.body.error.details.field).toBe("logo");
    const svg = await admin.call("PUT", "/api/v1/account/logo", { dataUrl: `data:image/svg+xml;base64,${Buffer.from("<svg/>").toString("base64")}` });
    expect(svg.status).toBe(400);
    const big = await admin.call("PUT", "/api/v1/account/logo", { dataUrl: `data:image/png;base64,${Buffer.concat([png, Buffer.alloc(101 * 1024)]).toString("base64")}` });
    expect(big.status).toBe(400);
    const withLogo = await admin.call("PUT", "/api/v1/account/logo", { dataUrl: `data:image/png;base64,${png.toString("base64")}` });
    expect(withLogo.body.logoUrl).toMatch(/^\/api\/v1\/public\/accounts\/[0-9a-f-]+\/logo\?v=/);
    const image = await fetch(server.url + withLogo.body.logoUrl);
    expect(image.headers.get("content-type")).toBe("image/png");
    expect(Buffer.from(await image.arrayBuffer()).equals(png)).toBe(true);

    const publicPage = await client(server.url).get(`/api/v1/public/pages/${acct.autoPage.slug}`);
    expect(publicPage.body.business).toEqual({ name: "Keller Physiotherapy", logoUrl: withLogo.body.logoUrl, brandColor: "#0f766e" });
    const master = await admin.post("/api/v1/master-pages", { slug: `front-${acct.accountId.slice(0, 8)}`, name: "Front", routing: "round_robin", targets: [{ bookingPageId: acct.autoPage.id }] });
    expect((await client(server.url).get(`/api/v1/public/master-pages/${master.body.slug}`)).body.business.name).toBe("Keller Physiotherapy");
    // The default time zone is what an invitee starts with.
    const inv = await admin.post("/api/v1/invitations", { email: `tz-${acct.accountId.slice(0, 8)}@example.test` });
    expect((await client(server.url).post("/api/v1/public/invitations/look-up", { token: inv.body.link.split("/").pop() })).body.defaultTimeZone).toBe("Europe/Zurich");

    expect((await admin.call("DELETE", "/api/v1/account/logo")).body.logoUrl).toBeNull();
    expect((await fetch(server.url + withLogo.body.logoUrl)).status).toBe(404);
    expect((await client(server.url, acct.member.token).call("PUT", "/api/v1/account/logo", { dataUrl: `data:image/png;base64,${png.toString("base64")}` })).status).toBe(403);
    expect((await client(server.url, acct.member.token).get("/api/v1/account")).status).toBe(200);
  });

  it("offers no times with a deactivated host, and routes master pages around them", async () => {
    const acct = await newAccount(server);
    const admin = client(server.url, acct.admin.token);
    await admin.call("PUT", `/api/v1/booking-pages/${acct.autoPage.id}/hosts`, { userIds: [acct.admin.id, acct.member.id] });
    const from = new Date(server.clock.now().getTime() + 2 * 86_400_000).toISOString();
    const to = new Date(server.clock.now().getTime() + 3 * 86_400_000).toISOString();
    const memberSlots = () => slots(server, acct.autoPage.slug, from, to, "UTC", `&hostId=${acct.member.id}`);
    expect((await memberSlots()).length).toBeGreaterThan(0);
    const master = await admin.post("/api/v1/master-pages", {
      slug: `team-${acct.accountId.slice(0, 8)}`, name: "Team", routing: "customer_choice",
      targets: [{ bookingPageId: acct.autoPage.id, userId: acct.member.id }, { bookingPageId: acct.autoPage.id, userId: acct.admin.id }],
    });
    expect(master.status, JSON.stringify(master.body)).toBe(201);
    expect((await admin.post(`/api/v1/users/${acct.member.id}/deactivate`)).status).toBe(200);
    expect(await memberSlots()).toEqual([]);
    const rules = await client(server.url).get(`/api/v1/public/pages/${acct.autoPage.slug}/scheduling`);
    expect(rules.body.hosts).toEqual([]); // one active host left: nobody to pick between
    const pub = await client(server.url).get(`/api/v1/public/master-pages/${master.body.slug}`);
    expect(pub.body.targets.map((t: any) => t.label)).toEqual([expect.stringContaining("Admin")]);
    const booked = await client(server.url).post(`/api/v1/public/pages/${acct.autoPage.slug}/bookings`, { start: futureSlots(server, 1, 60)[0], customer: customer(3), hostId: acct.member.id });
    expect(booked.status).toBe(400);
    expect(booked.body.error.message).toContain("not an active user");
    // Nor may staff hand them a booking.
    const mine = await admin.post("/api/v1/bookings", { bookingPageId: acct.otherPage.id, start: futureSlots(server, 1, 90)[0], customer: customer(4) });
    const reassign = await admin.post(`/api/v1/activities/${mine.body.activity.id}/actions/reassign`, { ownerId: acct.member.id });
    expect(reassign.status).toBe(400);
    expect(reassign.body.error.message).toContain("deactivated");
  });
});
