import { MENU } from "../../../src/domain/lifecycle";
import { TRANSACTION_MENU } from "../../../src/domain/transactions";
import { labelFromName } from "../ui/format";

/**
 * How the server's `actions` become menu items: the seed's menu items (MENU in
 * src/domain/lifecycle.ts), each at most once, each offering the actions of it the server allowed.
 * Only actions the server listed are ever offered; this file only groups and names them. An action
 * name this app does not know yet still gets an item (label from its name) and a generic
 * confirmation, so new server actions need no menu code.
 */
export const CANCEL_FAMILY = ["cancel", "request-new-times", "request-reschedule", "reschedule"] as const;
const KNOWN = new Set<string>([...Object.values(MENU).flat(), ...Object.values(TRANSACTION_MENU).flat()]);

export type DialogSpec =
  | { kind: "approve" }
  | { kind: "cancel"; choices: string[]; initial: string; title: string }
  | { kind: "reassign" }
  | { kind: "no-show" }
  | { kind: "refund" }
  | { kind: "invoice" }
  | { kind: "generic"; action: string; label: string };

export interface MenuEntry {
  key: string;
  label: string;
  dialog: DialogSpec;
  tone?: "danger";
  /** Shown but not choosable now, and why ("Available once the meeting has started"). */
  unavailable?: string;
}

/** What the menu needs to know about the activity beyond its allowed actions. */
export interface MenuContext {
  /** The meeting's start is still ahead: a no-show cannot be set yet (the server answers 422). */
  meetingAhead?: boolean;
}

export const NO_SHOW_NOT_YET = "Available once the meeting has started";

type MenuLabel = keyof typeof MENU;

function dialogFor(label: MenuLabel, offered: string[]): DialogSpec {
  switch (label) {
    case "Schedule booking request":
      return { kind: "approve" };
    case "Reassign booking":
      return { kind: "reassign" };
    case "Set to No-show":
      return { kind: "no-show" };
    case "Cancel/request reschedule":
    case "Cancel/request new times": {
      const choices = CANCEL_FAMILY.filter((a) => offered.includes(a)) as string[];
      return { kind: "cancel", choices, initial: choices[0], title: offered.length === 1 && offered[0] === "cancel" ? "Cancel" : label };
    }
  }
}

export function menuEntries(actions: readonly string[], context: MenuContext = {}): MenuEntry[] {
  const items = (Object.entries(MENU) as [MenuLabel, readonly string[]][]).map(([label, of], position) => ({ label, position, offered: of.filter((a) => actions.includes(a)) }));
  // An action can belong to two items ("cancel" is in both cancel items): the item offering the
  // most of the allowed actions takes it, and an item left with nothing of its own is not shown.
  const covered = new Set<string>();
  const shown = items
    .filter((i) => i.offered.length > 0)
    .sort((a, b) => b.offered.length - a.offered.length || a.position - b.position)
    .filter((i) => {
      if (i.offered.every((a) => covered.has(a))) return false;
      i.offered.forEach((a) => covered.add(a));
      return true;
    })
    .sort((a, b) => a.position - b.position);
  const entries: MenuEntry[] = shown.map(({ label, offered }) => {
    const dialog = dialogFor(label, offered);
    const name = dialog.kind === "cancel" ? dialog.title : label;
    const noShow = label === "Set to No-show";
    // The seed's menu keeps the item; before the meeting it is there but disabled, saying when it opens.
    return { key: label, label: `${name}…`, dialog, ...(noShow ? { tone: "danger" as const } : {}), ...(noShow && context.meetingAhead ? { unavailable: NO_SHOW_NOT_YET } : {}) };
  });
  // Transactions: the seed's "Process a refund" and "Download invoice", for the actions the server allowed.
  for (const [label, of] of Object.entries(TRANSACTION_MENU) as [keyof typeof TRANSACTION_MENU, readonly string[]][]) {
    if (!of.some((a) => actions.includes(a))) continue;
    const refund = label === "Process a refund";
    entries.push({ key: label, label: refund ? `${label}…` : label, dialog: refund ? { kind: "refund" } : { kind: "invoice" } });
  }
  for (const a of actions) {
    if (!KNOWN.has(a)) entries.push({ key: `x-${a}`, label: `${labelFromName(a)}…`, dialog: { kind: "generic", action: a, label: labelFromName(a) } });
  }
  return entries;
}
