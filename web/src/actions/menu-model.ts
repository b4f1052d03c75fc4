import { labelFromName } from "../ui/format";

/**
 * How the server's `actions` become menu items. Only actions the server listed are ever offered;
 * this file only groups and names them. An action name this app does not know yet still gets an
 * item (label from its name) and a generic confirmation, so new server actions need no menu code.
 */
export const CANCEL_FAMILY = ["cancel", "request-new-times", "request-reschedule", "reschedule"] as const;
const KNOWN = new Set<string>([...CANCEL_FAMILY, "approve", "reassign", "set-no-show"]);

export type DialogSpec =
  | { kind: "approve" }
  | { kind: "cancel"; choices: string[]; initial: string; title: string }
  | { kind: "reassign" }
  | { kind: "no-show" }
  | { kind: "generic"; action: string; label: string };

export interface MenuEntry {
  key: string;
  label: string;
  dialog: DialogSpec;
  tone?: "danger";
}

export function menuEntries(actions: readonly string[]): MenuEntry[] {
  const has = (a: string) => actions.includes(a);
  const entries: MenuEntry[] = [];
  if (has("approve")) entries.push({ key: "approve", label: "Schedule booking request…", dialog: { kind: "approve" } });
  const cancelChoices = CANCEL_FAMILY.filter(has) as string[];
  if (has("request-new-times")) {
    const choices = cancelChoices.filter((c) => c === "cancel" || c === "request-new-times");
    entries.push({ key: "cancel-new-times", label: "Cancel/request new times…", dialog: { kind: "cancel", choices, initial: choices[0], title: "Cancel/request new times" } });
  }
  if (has("request-reschedule") || has("reschedule")) {
    const choices = cancelChoices.filter((c) => c !== "request-new-times");
    entries.push({ key: "cancel-reschedule", label: "Cancel/request reschedule…", dialog: { kind: "cancel", choices, initial: choices[0], title: "Cancel/request reschedule" } });
    if (has("reschedule")) {
      entries.push({ key: "reschedule", label: "Reschedule on the customer's behalf…", dialog: { kind: "cancel", choices, initial: "reschedule", title: "Reschedule" } });
    }
  }
  if (has("cancel") && !entries.some((e) => e.dialog.kind === "cancel")) {
    entries.push({ key: "cancel", label: "Cancel…", dialog: { kind: "cancel", choices: ["cancel"], initial: "cancel", title: "Cancel" } });
  }
  if (has("reassign")) entries.push({ key: "reassign", label: "Reassign booking…", dialog: { kind: "reassign" } });
  if (has("set-no-show")) entries.push({ key: "set-no-show", label: "Set to No-show…", dialog: { kind: "no-show" }, tone: "danger" });
  for (const a of actions) {
    if (!KNOWN.has(a)) entries.push({ key: `x-${a}`, label: `${labelFromName(a)}…`, dialog: { kind: "generic", action: a, label: labelFromName(a) } });
  }
  return entries;
}
