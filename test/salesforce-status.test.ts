import { describe, expect, it } from "vitest";
import { DETAILED_STATUS_LIST, statusOf } from "../src/domain/lifecycle.js";
import { carriesReason, createsEvent, SALESFORCE_EVENT_STATUSES, SALESFORCE_STATUS } from "../src/domain/salesforce-status.js";

/** The seed's Event status words for every detailed status (the table in src/domain/salesforce-status.ts). */
describe("Salesforce Event status table", () => {
  it("maps every detailed status: bookings to the seed's words, requests and expired requests to no Event", () => {
    for (const d of DETAILED_STATUS_LIST) {
      const s = SALESFORCE_STATUS[d];
      if (statusOf(d) === "Requested" || statusOf(d) === "Expired") expect(s, d).toBeNull();
      else if (d.includes("Reassigned")) expect(s, d).toBe(`${statusOf(d)} (Reassigned by User)`);
      else expect(s, d).toBe(statusOf(d));
    }
    expect(new Set(Object.values(SALESFORCE_STATUS).filter(Boolean))).toEqual(new Set(SALESFORCE_EVENT_STATUSES));
  });

  it("the reason goes with Canceled and Rescheduled only; a Canceled booking without an Event gets none", () => {
    expect(SALESFORCE_EVENT_STATUSES.filter(carriesReason)).toEqual(["Rescheduled", "Canceled", "Rescheduled (Reassigned by User)"]);
    expect(SALESFORCE_EVENT_STATUSES.filter((s) => !createsEvent(s))).toEqual(["Canceled"]);
  });
});
