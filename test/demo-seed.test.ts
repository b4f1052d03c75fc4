import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemo } from "../src/app/demo/seed.js";
import { BOOKING_STATUSES } from "../src/domain/lifecycle.js";
import { openDatabase, type DatabaseHandle } from "../src/store/database.js";
import { insertDemoAccount, removeUnfinishedDemos } from "../src/store/demo-repo.js";
import { insertAccount } from "../src/store/accounts-repo.js";
import { randomUUID } from "node:crypto";

/**
 * The demo seed for real, on days that once broke it or could: between the American and the
 * European spring changes, the London autumn change, and 29 February. (test/demo-plan.test.ts
 * checks the plan itself for every day of a year; CI also runs this file under libfaketime.)
 */
let h: DatabaseHandle;
beforeAll(async () => {
  h = await openDatabase({});
});
afterAll(async () => h?.close());

async function statuses(accountId: string) {
  const r = await sql<{ type: string; status: string; n: number }>`
    SELECT type, status, count(*)::int AS n FROM activities WHERE account_id = ${accountId} GROUP BY 1, 2`.execute(h.db);
  return r.rows;
}

describe("the demo seed", () => {
  it.each(["2027-03-22T12:00:00Z", "2027-10-31T01:30:00Z", "2028-02-29T23:30:00Z"])("seeds every status on %s", async (iso) => {
    const demo = await seedDemo(h.db, "http://demo.test", { now: new Date(iso), accountName: `Demo ${iso}` });
    const rows = await statuses(demo.accountId);
    const total = rows.reduce((n, r) => n + r.n, 0);
    expect(total).toBeGreaterThanOrEqual(300);
    const bookingStatuses = new Set(rows.filter((r) => r.type === "booking").map((r) => r.status));
    expect([...bookingStatuses].sort()).toEqual([...BOOKING_STATUSES].sort());
    expect(new Set(rows.filter((r) => r.type === "package").map((r) => r.status))).toEqual(new Set(["Created", "Updated", "Completed"]));
    const state = await h.db.selectFrom("demo_accounts").selectAll().where("account_id", "=", demo.accountId).executeTakeFirstOrThrow();
    expect(state.state).toBe("ready");
  });

  it("leaves nothing behind when it fails midway, and seeds again", async () => {
    const name = `Failing ${randomUUID()}`;
    const failing = seedDemo(h.db, "http://demo.test", {
      now: new Date("2027-06-01T09:00:00Z"),
      accountName: name,
      beforeScenario: (i) => {
        if (i === 40) throw new Error("the disk is full");
      },
    });
    await expect(failing).rejects.toThrow("the disk is full");
    const left = await h.db.selectFrom("accounts").select("id").where("name", "=", name).execute();
    expect(left).toEqual([]);
    const again = await seedDemo(h.db, "http://demo.test", { now: new Date("2027-06-01T09:00:00Z"), accountName: name });
    expect((await statuses(again.accountId)).reduce((n, r) => n + r.n, 0)).toBeGreaterThanOrEqual(300);
  });

  it("removes a demo whose seeding was cut off (the process was killed), and only that one", async () => {
    const cutOff = randomUUID();
    await insertAccount(h.db, { id: cutOff, name: "cut off" });
    await insertDemoAccount(h.db, cutOff, new Date("2027-06-01T09:00:00Z"));
    const before = await h.db.selectFrom("demo_accounts").select("account_id").where("state", "=", "ready").execute();
    expect(await removeUnfinishedDemos(h.db)).toBe(1);
    expect(await h.db.selectFrom("accounts").select("id").where("id", "=", cutOff).execute()).toEqual([]);
    expect(await h.db.selectFrom("demo_accounts").select("account_id").where("state", "=", "ready").execute()).toEqual(before);
  });
});
