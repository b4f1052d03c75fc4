import { allowedTransactionActions, TRANSACTION_TYPE_LIST } from "../src/domain/transactions.js";
import { describe, expect, it } from "vitest";
import { ALLOWED_USER_ACTIONS, DETAILED_STATUS_LIST, statusOf, type DetailedStatus } from "../src/domain/lifecycle.js";
import { menuEntries } from "../web/src/actions/menu-model.js";

/**
 * The Details pane's action menu shows the seed's menu items (the status table's "Menu actions"),
 * each once, and through them every action the server allowed, each in one item only.
 */
const SEED_MENU: Record<string, string[]> = {
  Requested: ["Schedule booking request", "Cancel/request new times"],
  Scheduled: ["Cancel/request reschedule", "Reassign booking", "Set to No-show"],
  Rescheduled: ["Cancel/request reschedule", "Reassign booking", "Set to No-show"],
  Canceled: [],
  "No-show": ["Cancel/request reschedule"],
  Completed: ["Cancel/request reschedule", "Set to No-show"],
  Expired: ["Cancel/request new times"],
};

/** The actions an entry leads to: its dialog's choices, or its one action. */
function actionsOf(e: ReturnType<typeof menuEntries>[number]): string[] {
  switch (e.dialog.kind) {
    case "cancel":
      return e.dialog.choices;
    case "approve":
      return ["approve"];
    case "reassign":
      return ["reassign"];
    case "no-show":
      return ["set-no-show"];
    case "generic":
      return [e.dialog.action];
    case "refund":
      return ["refund"];
    case "invoice":
      return ["download-invoice"];
  }
}

describe("the action menu", () => {
  it.each(DETAILED_STATUS_LIST)("%s: the seed's menu items, once each, covering every allowed action once", (detailed: DetailedStatus) => {
    const allowed = ALLOWED_USER_ACTIONS[detailed];
    const entries = menuEntries(allowed);
    expect(entries.map((e) => e.label.replace(/…$/, ""))).toEqual(SEED_MENU[statusOf(detailed)]);
    const reached = entries.flatMap(actionsOf);
    expect([...reached].sort()).toEqual([...allowed].sort());
  });

  it("offers reschedule on the customer's behalf inside Cancel/request reschedule, not as an item of its own", () => {
    const entries = menuEntries(["cancel", "request-reschedule", "reschedule", "reassign", "set-no-show"]);
    const cancel = entries.find((e) => e.label === "Cancel/request reschedule…")!;
    expect(cancel.dialog).toEqual({ kind: "cancel", choices: ["cancel", "request-reschedule", "reschedule"], initial: "cancel", title: "Cancel/request reschedule" });
    expect(entries.filter((e) => /reschedule/i.test(e.label))).toHaveLength(1);
  });

  it("keeps Set to No-show before the meeting starts, disabled with the reason; enabled once it has", () => {
    const allowed = ALLOWED_USER_ACTIONS["Scheduled (By customer)"];
    const ahead = menuEntries(allowed, { meetingAhead: true });
    expect(ahead.map((e) => e.label)).toEqual(menuEntries(allowed).map((e) => e.label));
    expect(ahead.find((e) => e.label === "Set to No-show…")!.unavailable).toBe("Available once the meeting has started");
    expect(ahead.filter((e) => e.unavailable)).toHaveLength(1);
    expect(menuEntries(allowed, { meetingAhead: false }).some((e) => e.unavailable)).toBe(false);
  });

  it("shows only what the server allowed: a lone cancel is one Cancel item; an unknown action gets a generic item", () => {
    expect(menuEntries(["cancel"]).map((e) => e.label)).toEqual(["Cancel…"]);
    expect(menuEntries(["approve", "move-to-trash"]).map((e) => e.label)).toEqual(["Schedule booking request…", "Move to trash…"]);
    expect(menuEntries([])).toEqual([]);
  });

  it.each(TRANSACTION_TYPE_LIST)("transaction %s: the seed's transaction menu for the actions allowed", (type) => {
    const allowed = allowedTransactionActions(type, 100);
    const entries = menuEntries(allowed);
    const seed: string[] = [];
    if (allowed.includes("refund")) seed.push("Process a refund…");
    if (allowed.includes("download-invoice")) seed.push("Download invoice");
    expect(entries.map((e) => e.label)).toEqual(seed);
    expect(entries.flatMap(actionsOf).sort()).toEqual([...allowed].sort());
  });

  it("offers no refund once nothing is left to refund", () => {
    expect(menuEntries(allowedTransactionActions("PAYMENT (SCHEDULE)", 0)).map((e) => e.label)).toEqual(["Download invoice"]);
  });
});
