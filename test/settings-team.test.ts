import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINES, TEST_PASSWORD, client, customer, futureSlots, newAccount, startTestServer, type TestServer } from "./support/harness.js";

/**
 * The team from the API: invitations (one-time links with an expiry), roles, the last admin,
 * deactivation (no sign-in, sessions and tokens end at once, history stays, bookings listed to
 * hand over), admin password resets, and everyone's own profile and password.
 */
describe.each(ENGINES)("team settings API on $name", (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(engine);
  });
  afterAll(async () => server?.close());

  /** A browser-like client: the session cookie set by the answer is sent with later requests. */
  const session = (cookie: string) => ({
    get: (path: string) => fetch(server.url + path, { headers: { cookie } }),
    call: (method: string, path: string, body?: unknown) =>
      fetch(server.url + path, { method, headers: { cookie, "content-type": "application/json" }, body: JSON.stringify(body ?? {}) }),
  });
  const cookieOf = (res: Response) => {
    const c = res.headers.get("set-cookie");
    expect(c).toContain("bookstream_session=");
    return c!.split(";")[0];
  };
  const tokenOf = (link: string) => link.split("/").pop()!;

  // Sign-ins are rate limited (5 a minute per server in tests): this file uses five.
  it("invites a member who joins with their own name and password and is signed in at once", async () => {
    const acct = await newAccount(server);
    const admin = client(server.url, acct.admin.token);
    const email = `new-${acct.accountId.slice(0, 8)}@example.test`;
    const inv = await admin.post("/api/v1/invitations", { email, role: "member" });
    expect(inv.status, JSON.stringify(inv.body)).toBe(201);
    expect(inv.body.link).toMatch(/^http:\/\/bookstream\.test\/invite\/[A-Za-z0-9_-]{43}$/);
    const expires = Date.parse(inv.body.invitation.expiresAt) - server.clock.now().getTime();
    expect(expires).toBeGreaterThan(6.9 * 86_400_000);
    expect(expires).toBeLessThanOrEqual(7 * 86_400_000);
    // The link is shown once: the list never holds it.
    const listed = await admin.get("/api/v1/invitations");
    expect(listed.body.items).toEqual([expect.objectContaining({ email, role: "member", expired: false })]);
    expect(JSON.stringify(listed.body)).not.toContain(tokenOf(inv.body.link));

    const pub = client(server.url);
    const look = await pub.post("/api/v1/public/invitations/look-up", { token: tokenOf(inv.body.link) });
    expect(look.body).toMatchObject({ email, role: "member", accountName: "Test account" });
    const weak = await pub.post("/api/v1/public/invitations/accept", { token: tokenOf(inv.body.link), name: "Nia New", password: "short" });
    expect(weak.status).toBe(400);
    expect(weak.body.error.details.field).toBe("body.password");

    const res = await fetch(`${server.url}/api/v1/public/invitations/accept`, {
      method: "POST", headers: { "content-type": "application/json" },
      body: JSON.stringify({ token: tokenOf(inv.body.link), name: "Nia New", password: "a good long password", timeZone: "Europe/Lisbon" }),
    });
    expect(res.status).toBe(201);
    const me = await res.json();
    expect(me.user).toMatchObject({ name: "Nia New", email, role: "member", timeZone: "Europe/Lisbon" });
    const who = await session(cookieOf(res)).get("/api/v1/me");
    expect((await who.json()).user.email).toBe(email);

    // Used once: the link works no more, the invitation leaves the list, the user is on the team.
    const again = await pub.post("/api/v1/public/invitations/accept", { token: tokenOf(inv.body.link), name: "X", password: "another password" });
    expect(again.status).toBe(404);
    expect((await admin.get("/api/v1/invitations")).body.items).toEqual([]);
    const team = await admin.get("/api/v1/users");
    expect(team.body.items.map((u: any) => u.email)).toContain(email);
  });

  it("refuses a taken e-mail, replaces a renewed link, revokes, and expires links after 7 days", async () => {
    const acct = await newAccount(server);
    const admin = client(server.url, acct.admin.token);
    const taken = await admin.post("/api/v1/invitations", { email: acct.member.email.toUpperCase() });
    expect(taken.status).toBe(409);
    expect(taken.body.error.details.field).toBe("email");
    expect(taken.body.error.message).toContain("already on the team");
    const bad = await admin.post("/api/v1/invitations", { email: "not-an-email", role: "member" });
    expect(bad.body.error.details.field).toBe("body.email");

    const email = `renew-${acct.accountId.slice(0, 8)}@example.test`;
    const first = await admin.post("/api/v1/invitations", { email, role: "admin" });
    const renewed = await admin.post(`/api/v1/invitations/${first.body.invitation.id}/renew`);
    expect(renewed.status).toBe(201);
    expect(renewed.body.invitation.role).toBe("admin");
    const pub = client(server.url);
    expect((await pub.post("/api/v1/public/invitations/look-up", { token: tokenOf(first.body.link) })).status).toBe(404);
    expect((await pub.post("/api/v1/public/invitations/look-up", { token: tokenOf(renewed.body.link) })).status).toBe(200);
    // Inviting the same e-mail again also replaces the open link.
    const third = await admin.post("/api/v1/invitations", { email, role: "member" });
    expect((await pub.post("/api/v1/public/invitations/look-up", { token: tokenOf(renewed.body.link) })).status).toBe(404);
    expect((await admin.get("/api/v1/invitations")).body.items).toHaveLength(1);

    const del = await admin.call("DELETE", `/api/v1/invitations/${third.body.invitation.id}`);
    expect(del.status).toBe(204);
    expect((await pub.post("/api/v1/public/invitations/look-up", { token: tokenOf(third.body.link) })).status).toBe(404);
    expect((await admin.call("DELETE", `/api/v1/invitations/${third.body.invitation.id}`)).status).toBe(404);

    const late = await admin.post("/api/v1/invitations", { email: `late-${acct.accountId.slice(0, 8)}@example.test` });
    server.clock.moveTo(new Date(server.clock.now().getTime() + 7 * 86_400_000 + 60_000));
    const expired = await pub.post("/api/v1/public/invitations/accept", { token: tokenOf(late.body.link), name: "Late", password: "long enough password" });
    expect(expired.status).toBe(422);
    expect(expired.body.error.details.reason).toBe("expired");
    expect(expired.body.error.message).toContain("expired");
    expect((await admin.get("/api/v1/invitations")).body.items[0].expired).toBe(true);
    const garbage = await pub.post("/api/v1/public/invitations/look-up", { token: "x".repeat(43) });
    expect(garbage.status).toBe(404);
  });

  it("keeps the last admin: not demoted, not deactivated (409), and nobody deactivates themselves", async () => {
    const acct = await newAccount(server);
    const admin = client(server.url, acct.admin.token);
    const demote = await admin.call("PATCH", `/api/v1/users/${acct.admin.id}`, { role: "member" });
    expect(demote.status).toBe(409);
    expect(demote.body.error.details.reason).toBe("last_admin");
    expect(demote.body.error.message).toContain("last admin");
    const self = await admin.post(`/api/v1/users/${acct.admin.id}/deactivate`);
    expect(self.status).toBe(409);

    const promote = await admin.call("PATCH", `/api/v1/users/${acct.member.id}`, { role: "admin" });
    expect(promote.body).toMatchObject({ role: "admin", active: true });
    // Now two admins: the member-turned-admin may demote the first, but then not themselves.
    const second = client(server.url, acct.member.token);
    expect((await second.call("PATCH", `/api/v1/users/${acct.admin.id}`, { role: "member" })).status).toBe(200);
    const last = await second.call("PATCH", `/api/v1/users/${acct.member.id}`, { role: "member" });
    expect(last.status).toBe(409);
    // The demoted user's token now carries a member's rights.
    expect((await admin.post("/api/v1/invitations", { email: "x@example.test" })).status).toBe(403);
  });

  it("two admins demoting each other at once leave one admin", async () => {
    const acct = await newAccount(server);
    const admin = client(server.url, acct.admin.token);
    await admin.call("PATCH", `/api/v1/users/${acct.member.id}`, { role: "admin" });
    const [a, b] = await Promise.all([
      admin.call("PATCH", `/api/v1/users/${acct.member.id}`, { role: "member" }),
      client(server.url, acct.member.token).call("PATCH", `/api/v1/users/${acct.admin.id}`, { role: "member" }),
    ]);
    // The loser is refused: 409 (the last admin) when it checked after the winner's change, or
    // 403 when the winner had already made it a member before its request was read.
    const statuses = [a.status, b.status].sort((x, y) => x - y);
    expect(statuses[0]).toBe(200);
    expect([403, 409]).toContain(statuses[1]);
    const admins = (await client(server.url, a.status === 200 ? acct.admin.token : acct.member.token).get("/api/v1/users")).body.items.filter((u: any) => u.role === "admin");
    expect(admins).toHaveLength(1);
  });

  it("deactivates a user: sign-in refused, session and API token end at once, bookings listed, history kept; reactivation restores sign-in", async () => {
    const acct = await newAccount(server);
    const admin = client(server.url, acct.admin.token);
    const signIn = await fetch(`${server.url}/api/v1/auth/sign-in`, {
      method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: acct.member.email, password: TEST_PASSWORD }),
    });
    const memberSession = session(cookieOf(signIn));
    expect((await memberSession.get("/api/v1/me")).status).toBe(200);
    const member = client(server.url, acct.member.token);
    expect((await member.get("/api/v1/me")).status).toBe(200); // the token is now cached in this process

    // The member hosts a booking on the admin's page (booked by the admin for a customer).
    const [start] = futureSlots(server, 1, 72);
    const booked = await admin.post("/api/v1/bookings", { bookingPageId: acct.autoPage.id, start, customer: customer(1), ownerId: acct.member.id });
    expect(booked.status, JSON.stringify(booked.body)).toBe(201);

    const off = await admin.post(`/api/v1/users/${acct.member.id}/deactivate`);
    expect(off.status, JSON.stringify(off.body)).toBe(200);
    expect(off.body.user).toMatchObject({ active: false });
    expect(off.body.upcomingBookings.count).toBe(1);
    expect(off.body.upcomingBookings.items[0]).toMatchObject({ id: booked.body.activity.id, start, customerName: "Customer 1" });
    expect(off.body.hostedPages.map((p: any) => p.id)).toEqual([acct.approvalPage.id]);

    expect((await memberSession.get("/api/v1/me")).status).toBe(401);
    expect((await member.get("/api/v1/me")).status).toBe(401);
    const refused = await client(server.url).post("/api/v1/auth/sign-in", { email: acct.member.email, password: TEST_PASSWORD });
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toContain("deactivated");
    const wrong = await client(server.url).post("/api/v1/auth/sign-in", { email: acct.member.email, password: "not the password" });
    expect(wrong.status).toBe(401); // a wrong password says nothing about the account

    // History stays: the booking still names them; the team lists them as deactivated with a count.
    const details = await admin.get(`/api/v1/activities/${booked.body.activity.id}`);
    expect(details.body.owner.id).toBe(acct.member.id);
    expect((await admin.get("/api/v1/users")).body.items.map((u: any) => u.id)).not.toContain(acct.member.id);
    const gone = (await admin.get("/api/v1/users?status=deactivated")).body.items;
    expect(gone).toEqual([expect.objectContaining({ id: acct.member.id, active: false, upcomingBookings: 1 })]);
    expect((await admin.get(`/api/v1/users/${acct.member.id}/upcoming-bookings`)).body.upcomingBookings.count).toBe(1);
    // Nobody makes a deactivated user a host or owner.
    const host = await admin.call("PUT", `/api/v1/booking-pages/${acct.autoPage.id}/hosts`, { userIds: [acct.member.id] });
    expect(host.status).toBe(400);
    expect(host.body.error.message).toContain("deactivated");

    const on = await admin.post(`/api/v1/users/${acct.member.id}/reactivate`);
    expect(on.body).toMatchObject({ active: true, deactivatedAt: null });
    const back = await client(server.url).post("/api/v1/auth/sign-in", { email: acct.member.email, password: TEST_PASSWORD });
    expect(back.status).toBe(200);
    // The old API token stays ended: it was removed, not suspended.
    expect((await member.get("/api/v1/me")).status).toBe(401);
  });

  it("resets a password with an admin's link: works once, ends the user's sessions, signs them in", async () => {
    const acct = await newAccount(server);
    const admin = client(server.url, acct.admin.token);
    const reset = await admin.post(`/api/v1/users/${acct.outsider.id}/password-reset`);
    expect(reset.status).toBe(201);
    expect(reset.body.link).toMatch(/\/reset-password\/[A-Za-z0-9_-]{43}$/);
    const pub = client(server.url);
    const look = await pub.post("/api/v1/public/password-resets/look-up", { token: tokenOf(reset.body.link) });
    expect(look.body).toMatchObject({ email: acct.outsider.email, name: expect.stringContaining("Outsider") });
    const done = await fetch(`${server.url}/api/v1/public/password-resets/accept`, {
      method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ token: tokenOf(reset.body.link), password: "brand new password" }),
    });
    expect(done.status).toBe(200);
    expect((await session(cookieOf(done)).get("/api/v1/me")).status).toBe(200);
    expect((await pub.post("/api/v1/public/password-resets/accept", { token: tokenOf(reset.body.link), password: "yet another one" })).status).toBe(404);
    expect((await pub.post("/api/v1/auth/sign-in", { email: acct.outsider.email, password: "brand new password" })).status).toBe(200);
    // An invitation token is not a reset token, nor the other way round.
    const inv = await admin.post("/api/v1/invitations", { email: `x-${acct.accountId.slice(0, 8)}@example.test` });
    expect((await pub.post("/api/v1/public/password-resets/look-up", { token: tokenOf(inv.body.link) })).status).toBe(404);
  });

  it("lets everyone change their own name, e-mail, time zone and password (current password required)", async () => {
    const acct = await newAccount(server);
    const me = client(server.url, acct.viewer.token);
    const changed = await me.call("PATCH", "/api/v1/me", { name: "Vera Viewer", timeZone: "America/Chicago", email: `vera-${acct.accountId.slice(0, 8)}@example.test` });
    expect(changed.status).toBe(200);
    expect(changed.body.user).toMatchObject({ name: "Vera Viewer", timeZone: "America/Chicago" });
    expect((await me.get("/api/v1/me")).body.user.name).toBe("Vera Viewer");
    const taken = await me.call("PATCH", "/api/v1/me", { email: acct.admin.email });
    expect(taken.status).toBe(409);
    expect(taken.body.error.details.field).toBe("email");
    const zone = await me.call("PATCH", "/api/v1/me", { timeZone: "Mars/Olympus" });
    expect(zone.body.error.details.field).toBe("body.timeZone");
    const blank = await me.call("PATCH", "/api/v1/me", { name: "  " });
    expect(blank.body.error.details.field).toBe("body.name");
    expect((await me.call("PATCH", "/api/v1/me", {})).status).toBe(200); // nothing to change is no error
    const role = await me.call("PATCH", "/api/v1/me", { role: "admin" });
    expect(role.status).toBe(400); // nobody promotes themselves

    const wrong = await me.post("/api/v1/me/password", { currentPassword: "not it", newPassword: "a new password" });
    expect(wrong.status).toBe(422);
    expect(wrong.body.error.details.field).toBe("currentPassword");
    const short = await me.post("/api/v1/me/password", { currentPassword: TEST_PASSWORD, newPassword: "short" });
    expect(short.body.error.details.field).toBe("body.newPassword");
    expect((await me.post("/api/v1/me/password", { currentPassword: TEST_PASSWORD, newPassword: "a new password" })).status).toBe(204);
  });

  it("answers the permission table: admins manage the team; members only read it and edit themselves", async () => {
    const acct = await newAccount(server);
    const member = client(server.url, acct.member.token);
    const admin = client(server.url, acct.admin.token);
    const inv = await admin.post("/api/v1/invitations", { email: `p-${acct.accountId.slice(0, 8)}@example.test` });
    const other = await newAccount(server, "Other business");
    const cases: [string, string, unknown?][] = [
      ["GET", "/api/v1/invitations"],
      ["POST", "/api/v1/invitations", { email: "someone@example.test" }],
      ["POST", `/api/v1/invitations/${inv.body.invitation.id}/renew`],
      ["DELETE", `/api/v1/invitations/${inv.body.invitation.id}`],
      ["PATCH", `/api/v1/users/${acct.outsider.id}`, { role: "admin" }],
      ["POST", `/api/v1/users/${acct.outsider.id}/deactivate`],
      ["POST", `/api/v1/users/${acct.outsider.id}/reactivate`],
      ["GET", `/api/v1/users/${acct.outsider.id}/upcoming-bookings`],
      ["POST", `/api/v1/users/${acct.outsider.id}/password-reset`],
      ["PATCH", "/api/v1/account", { name: "Taken over" }],
    ];
    for (const [method, path, body] of cases) {
      const r = await member.call(method, path, body);
      expect(r.status, `${method} ${path}`).toBe(403);
      expect(r.body.error.code).toBe("forbidden");
    }
    expect((await member.get("/api/v1/users")).status).toBe(200);
    expect((await member.get("/api/v1/users")).body.items[0]).not.toHaveProperty("upcomingBookings");
    // Another account's user is not found, for every team action.
    for (const path of [`/api/v1/users/${other.member.id}/deactivate`, `/api/v1/users/${other.member.id}/password-reset`]) {
      expect((await admin.post(path)).status, path).toBe(404);
    }
    expect((await admin.call("PATCH", `/api/v1/users/${other.member.id}`, { role: "admin" })).status).toBe(404);
    expect((await admin.post(`/api/v1/invitations/${inv.body.invitation.id}/renew`)).status).toBe(201);
    expect((await client(server.url, other.admin.token).call("DELETE", `/api/v1/invitations/${inv.body.invitation.id}`)).status).toBe(404);
    // Signed out: 401 everywhere.
    expect((await client(server.url).get("/api/v1/users")).status).toBe(401);
    expect((await client(server.url).call("PATCH", "/api/v1/me", { name: "x" })).status).toBe(401);
  });
});
