import { z } from "zod";
import { rangeProblems } from "../domain/hours-validation.js";
import { POLICY_MAX_MINUTES, POLICY_MIN_MINUTES } from "../domain/policy.js";
import { TimeZone } from "./schemas.js";

/** Request/response schemas of the scheduling API (admin and public). */

const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;

export const HoursRange = z
  .tuple([z.string().describe("From, HH:MM"), z.string().describe("To, HH:MM (24:00 = end of day)")])
  .describe('A time range of one day, e.g. ["09:00","17:00"]');

/** One day's ranges: valid times, each starting before it ends, none overlapping. */
export const DayRanges = z
  .array(HoursRange)
  .max(24)
  .superRefine((ranges, ctx) => {
    for (const p of rangeProblems(ranges as [string, string][])) ctx.addIssue({ code: "custom", path: p.path, message: p.message });
  });

export const WeeklyHours = z
  .object(Object.fromEntries(DAYS.map((d) => [d, DayRanges.optional()])) as Record<(typeof DAYS)[number], z.ZodOptional<typeof DayRanges>>)
  .strict()
  .describe('Weekly hours: {"mon":[["09:00","17:00"]], …}; a missing day is closed');

export const Minutes = (max: number) => z.number().int().min(0).max(max);
export const Duration = z.number().int().min(1, "must be at least 1 minute").max(1440).describe("Meeting length in minutes (1–1440)");
export const Slug = z.string().min(2).max(100).regex(/^[A-Za-z0-9-]+$/, "letters, digits and dashes");

export const Question = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, "letters, digits, _ and -").describe("Key of the answer in `answers`"),
  label: z.string().trim().min(1).max(500).describe("The question as the customer reads it"),
  required: z.boolean().default(false),
});

const Questions = z
  .array(Question)
  .max(30)
  .superRefine((qs, ctx) => {
    const seen = new Set<string>();
    qs.forEach((q, i) => {
      if (seen.has(q.id)) ctx.addIssue({ code: "custom", path: [i, "id"], message: `the question id "${q.id}" is used twice` });
      seen.add(q.id);
    });
  })
  .describe("Questions on the booking form");

export const PageSettingsFields = {
  slug: Slug.describe("The page's public address: /book/{slug}"),
  name: z.string().trim().min(1).max(200).describe("Page name"),
  ownerId: z.uuid().describe("The page's owner; hosts its meetings unless the page has a team"),
  timeZone: TimeZone.describe("The page's time zone: slots are laid out on its wall clock"),
  durationMinutes: Duration,
  mode: z.enum(["automatic", "approval"]).describe("Automatic booking, or booking with approval (requests)"),
  location: z.string().trim().max(500).nullable().describe("Where the meeting takes place"),
  videoLink: z.url().max(2000).nullable().describe("Video meeting link"),
  openHours: WeeklyHours.describe("Open hours in the page's zone; used for hosts who set no weekly hours of their own"),
  minNoticeMinutes: Minutes(525_600).describe("Minimum notice before a booking, in minutes"),
  maxDaysAhead: z.number().int().min(1).max(730).nullable().describe("How many days ahead customers may book (null: no limit)"),
  bufferBeforeMinutes: Minutes(720).describe("Free time kept before each meeting"),
  bufferAfterMinutes: Minutes(720).describe("Free time kept after each meeting"),
  slotIntervalMinutes: z.number().int().min(5).max(720).nullable().describe("Minutes between slot starts (null: the meeting length)"),
  proposalsRequired: z.number().int().min(1).max(10).describe("Booking with approval: how many times the customer must propose"),
  holdsRequestedSlots: z.boolean().describe("Whether a pending request keeps its proposed times from other customers"),
  policyMinutes: z
    .number()
    .int()
    .min(POLICY_MIN_MINUTES)
    .max(POLICY_MAX_MINUTES)
    .nullable()
    .describe("Customers may cancel/reschedule up to this many minutes before the meeting (15 min – 14 days); null: anytime. Users are never bound."),
  packagesEnabled: z.boolean().describe("Whether customers may book a session package"),
  maxPackageSessions: z.number().int().min(1).max(20).describe("Most sessions in one package (1–20)"),
  questions: Questions,
};

const EventTypeInput = z.object({ name: z.string().trim().min(1).max(200).describe("Event type name"), durationMinutes: Duration }).strict();
export { EventTypeInput };

export const NewPageBody = z
  .object({
    ...PageSettingsFields,
    ownerId: PageSettingsFields.ownerId.optional(),
    location: PageSettingsFields.location.optional(),
    videoLink: PageSettingsFields.videoLink.optional(),
    openHours: PageSettingsFields.openHours.optional(),
    minNoticeMinutes: PageSettingsFields.minNoticeMinutes.optional(),
    maxDaysAhead: PageSettingsFields.maxDaysAhead.optional(),
    bufferBeforeMinutes: PageSettingsFields.bufferBeforeMinutes.optional(),
    bufferAfterMinutes: PageSettingsFields.bufferAfterMinutes.optional(),
    slotIntervalMinutes: PageSettingsFields.slotIntervalMinutes.optional(),
    proposalsRequired: PageSettingsFields.proposalsRequired.optional(),
    holdsRequestedSlots: PageSettingsFields.holdsRequestedSlots.optional(),
    policyMinutes: PageSettingsFields.policyMinutes.optional(),
    packagesEnabled: PageSettingsFields.packagesEnabled.optional(),
    maxPackageSessions: PageSettingsFields.maxPackageSessions.optional(),
    questions: PageSettingsFields.questions.optional(),
    eventTypes: z.array(EventTypeInput).max(50).optional().describe("Event types the customer picks from (omit for one fixed meeting)"),
  })
  .strict();

export const PageSettingsPatch = z.object(PageSettingsFields).partial().strict();

export const PageSettings = z.object({
  id: z.string(), slug: z.string(), name: z.string(), ownerId: z.string(), timeZone: z.string(), durationMinutes: z.number(),
  mode: z.enum(["automatic", "approval"]), location: z.string().nullable(), videoLink: z.string().nullable(),
  openHours: z.record(z.string(), z.array(z.tuple([z.string(), z.string()]))),
  minNoticeMinutes: z.number(), maxDaysAhead: z.number().nullable(), bufferBeforeMinutes: z.number(), bufferAfterMinutes: z.number(),
  slotIntervalMinutes: z.number().nullable(), proposalsRequired: z.number(), holdsRequestedSlots: z.boolean(), policyMinutes: z.number().nullable(),
  packagesEnabled: z.boolean(), maxPackageSessions: z.number(),
  questions: z.array(z.object({ id: z.string(), label: z.string(), required: z.boolean() })),
  eventTypes: z.array(z.object({ id: z.string(), name: z.string(), durationMinutes: z.number() })),
  hostIds: z.array(z.string()).describe("Who hosts its meetings: the team, else the owner"),
  team: z.boolean().describe("Whether the page has a team of hosts (round robin)"),
  members: z.array(z.object({ userId: z.string(), role: z.enum(["editor", "viewer"]) })).describe("Editors and viewers"),
  publicUrl: z.string(),
});

export const Availability = z.object({
  userId: z.string(),
  timeZone: z.string().describe("The user's time zone: weekly hours and overrides are in it"),
  weeklyHours: z.record(z.string(), z.array(z.tuple([z.string(), z.string()]))).nullable().describe("null: the booking pages' open hours apply"),
  overrides: z.array(z.object({ date: z.string(), ranges: z.array(z.tuple([z.string(), z.string()])) })),
});

export { IsoDate } from "./schemas.js";

export const MasterTarget = z
  .object({
    bookingPageId: z.uuid().describe("The booking page the customer is sent to"),
    userId: z.uuid().nullable().optional().describe("A team member hosting that page: route to them in person"),
  })
  .strict();

export const MasterPageBody = z
  .object({
    slug: Slug.describe("The master page's public address"),
    name: z.string().trim().min(1).max(200),
    routing: z.enum(["round_robin", "customer_choice"]).describe("Round robin by fewest upcoming bookings, or the customer's choice"),
    targets: z.array(MasterTarget).min(1).max(50).describe("Booking pages or team members to route to, in order"),
  })
  .strict();

export const MasterPage = z.object({
  id: z.string(), slug: z.string(), name: z.string(), routing: z.enum(["round_robin", "customer_choice"]), publicUrl: z.string(),
  targets: z.array(z.object({ id: z.string(), bookingPageId: z.string(), bookingPageSlug: z.string(), userId: z.string().nullable(), label: z.string() })),
});

export const Customer = z.object({ id: z.string(), name: z.string(), email: z.string(), phone: z.string().nullable(), timeZone: z.string().nullable() });
