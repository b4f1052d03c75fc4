import type { z } from "zod";
import type { Activity as ActivitySchema, ActivityDetails as ActivityDetailsSchema } from "../../../src/http/schemas";

/** Shapes of the API, taken from the server's own schemas where they are exported (type-only: nothing is bundled). */
export type Activity = z.infer<typeof ActivitySchema>;
export type ActivityDetails = z.infer<typeof ActivityDetailsSchema>;
export type RelatedActivity = ActivityDetails["related"][number];
export type HistoryEntry = ActivityDetails["history"][number];

export interface Me {
  user: { id: string; name: string; email: string; role: "admin" | "member"; timeZone: string };
  account: { id: string; name: string };
}

export interface TeamMember {
  id: string;
  name: string;
  email: string;
  role: string;
  timeZone: string;
}

export interface BookingPage {
  id: string;
  slug: string;
  name: string;
  ownerId: string;
  timeZone: string;
  mode: "automatic" | "approval";
  durationMinutes: number;
  publicUrl: string;
  eventTypes: { id: string; name: string; durationMinutes: number }[];
  ownerName: string;
  /** Whether a team of hosts takes its meetings (else the owner). */
  team: boolean;
  /** manage: owner or admin; edit: editor; view: viewer. */
  access: "manage" | "edit" | "view";
}

export interface StreamPage {
  items: Activity[];
  nextCursor: string | null;
  total?: number;
  totalIsLowerBound?: boolean;
}

export type FilterQuery = Record<string, string | string[]>;

export interface SavedFilter {
  id: string;
  name: string;
  query: FilterQuery;
  createdAt: string;
  updatedAt: string;
}

export interface ActionResult {
  activity: ActivityDetails;
  created?: ActivityDetails;
  customerLink?: string;
}

export interface ActionBody {
  reason?: string;
  start?: string;
  ownerId?: string;
  eventType?: "same" | "any";
  eventTypeId?: string;
  /** approve, reschedule: book a time outside the host's hours or over their busy time knowingly. */
  override?: boolean;
  /** The activity version the user acted on; a change made since answers 409. */
  expectedVersion?: number;
  /** refund: how much, a decimal string in the payment's currency (default: all that is left). */
  amount?: string;
}
