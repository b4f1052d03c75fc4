import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { CREATION_STATUS } from "../src/domain/lifecycle.js";
import type { HistoryEntry } from "../web/src/api/types.js";
import { HISTORY_SENTENCES, historySentence } from "../web/src/details/history-sentence.js";

/**
 * The Details pane's history reads as sentences. Every action name the server writes into history
 * (the use cases' `action:` and `origin:` names in src/app, the creation origins, and the system
 * job's `complete`/`expire`) has its own sentence; a new action without one fails here.
 */
const APP = fileURLToPath(new URL("../src/app", import.meta.url));

function actionsWrittenByTheServer(): Set<string> {
  const names = new Set<string>(Object.keys(CREATION_STATUS));
  for (const file of fs.readdirSync(APP).filter((f) => f.endsWith(".ts"))) {
    const source = fs.readFileSync(path.join(APP, file), "utf8");
    // Object-literal properties only ("action: 'cancel' | 'reschedule'" is a type, not a write).
    for (const m of source.matchAll(/\b(?:action|origin):\s*"([a-z-]+)"\s*[,}\n]/g)) names.add(m[1]);
    for (const m of source.matchAll(/\baction\s*=\s*next === "Completed" \? "([a-z-]+)" : "([a-z-]+)"/g)) names.add(m[1]).add(m[2]);
  }
  // run-system-transitions.ts writes its transition kind as the action.
  const system = fs.readFileSync(path.join(APP, "run-system-transitions.ts"), "utf8");
  expect(system).toContain("action: kind");
  names.add("complete").add("expire");
  return names;
}

const entry = (action: string, actor: HistoryEntry["actor"], extra: Partial<HistoryEntry> = {}): HistoryEntry => ({
  at: "2030-03-04T09:00:00.000Z",
  actor,
  action,
  from: null,
  to: { status: "Scheduled", detailedStatus: "Scheduled (By customer)" },
  reason: null,
  data: {},
  ...extra,
});
const ADA = { type: "user" as const, id: "u1", name: "Ada Admin" };
const CUSTOMER = { type: "customer" as const, id: null, name: "Ann Keller" };
const SYSTEM = { type: "system" as const, id: null, name: "Bookstream" };
const ZONE = "UTC";

describe("history sentences", () => {
  it("has a sentence for every action the server writes", () => {
    const written = actionsWrittenByTheServer();
    for (const required of ["customer-books", "approve", "cancel", "reschedule", "reassign", "set-no-show", "complete", "expire", "customer-reschedule", "customer-cancel", "customer-resubmit", "request-new-times", "request-reschedule", "package-created", "package-update", "package-complete"]) {
      expect(written, `the scan found ${required}`).toContain(required);
    }
    const missing = [...written].filter((a) => !(a in HISTORY_SENTENCES));
    expect(missing).toEqual([]);
    for (const action of written) {
      const actor = action === "complete" || action === "expire" || action === "package-complete" ? SYSTEM : action.startsWith("customer") || action.startsWith("package-created") ? CUSTOMER : ADA;
      const sentence = historySentence(entry(action, actor), ZONE);
      expect(sentence, action).toMatch(/^[A-Z]/);
      expect(sentence, action).not.toMatch(/undefined|null|\[object/);
    }
  });

  it("says who did it, what changed and why", () => {
    expect(historySentence(entry("approve", ADA), ZONE)).toBe("Approved by Ada Admin");
    expect(historySentence(entry("complete", SYSTEM), ZONE)).toBe("Completed automatically");
    expect(historySentence(entry("customer-cancel", CUSTOMER, { reason: "Something came up" }), ZONE)).toBe("Canceled by the customer: Something came up");
    expect(historySentence(entry("cancel", ADA), ZONE)).toBe("Canceled by Ada Admin");
    // A time in another year names it (formatShort's rule); the format follows the locale.
    const year = new Date().getUTCFullYear() + 3;
    const rescheduled = historySentence(entry("reschedule", ADA, { data: { newStart: `${year}-03-04T10:00:00.000Z` }, reason: "Moved by phone" }), ZONE);
    expect(rescheduled).toMatch(new RegExp(`^Rescheduled by Ada Admin to .*\\b4\\b.*${year}.*10.*: Moved by phone$`));
    expect(historySentence(entry("reassign", ADA, { data: { fromOwnerName: "Max Member", toOwnerName: "Ada Admin" } }), ZONE)).toBe("Reassigned by Ada Admin from Max Member to Ada Admin");
    expect(historySentence(entry("set-no-show", ADA), ZONE)).toBe("Set to No-show by Ada Admin");
    expect(historySentence(entry("customer-books", CUSTOMER), ZONE)).toBe("Booked by the customer");
    expect(historySentence(entry("user-books-on-behalf", ADA), ZONE)).toBe("Booked by Ada Admin for the customer");
    expect(historySentence(entry("request-reschedule", ADA, { data: { eventType: "any" }, reason: "Host is ill" }), ZONE)).toBe("Reschedule requested by Ada Admin (any event type): Host is ill");
    expect(historySentence(entry("request-new-times", ADA), ZONE)).toBe("New times requested by Ada Admin");
    expect(historySentence(entry("customer-reschedule", CUSTOMER, { data: { toPage: "intro-call" } }), ZONE)).toBe("Moved by the customer to booking page intro-call");
    expect(historySentence(entry("customer-reschedule", CUSTOMER, { data: { approvedRequest: "BKNG-AAAABBBBCCCC", approvedBy: "Ada Admin" } }), ZONE)).toBe(
      "Rescheduled: Ada Admin approved the customer's request BKNG-AAAABBBBCCCC",
    );
    expect(historySentence(entry("expire", SYSTEM), ZONE)).toBe("Expired automatically: no proposed time was confirmed before it passed");
    expect(historySentence(entry("package-created", CUSTOMER, { data: { sessions: 3 } }), ZONE)).toBe("Package booked by the customer: 3 sessions");
    expect(historySentence(entry("package-created", CUSTOMER, { data: { sessions: 1 } }), ZONE)).toBe("Package booked by the customer: 1 session");
    expect(historySentence(entry("package-complete", SYSTEM), ZONE)).toBe("Completed automatically: every session has taken place");
  });

  it("still reads an action it has no words for", () => {
    expect(historySentence(entry("move-to-trash", ADA), ZONE)).toBe("Move to trash by Ada Admin");
  });
});
