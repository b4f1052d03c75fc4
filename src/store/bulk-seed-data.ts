import { sql } from "kysely";
import { BOOKING_STATUSES, DETAILED_STATUSES } from "../domain/lifecycle.js";
import { isTransactionType, statusOfTransaction } from "../domain/transactions.js";
import { hasStory } from "./bulk-seed-records.js";
import type { OpenHours } from "./schema.js";

/** What the bulk load (bulk-seed.ts) draws from: the account's shape, names, pages and the mix of activities. */

export const BENCH_ADMIN_EMAIL = "bench-admin@bookstream.test";
export const BENCH_MEMBER_EMAIL = "bench-member@bookstream.test";

/**
 * The account grows with its activities, as a real one does: at least 5,000 customers and 40
 * hosts, and one more customer per 200 activities and host per 25,000 beyond that. The hosts
 * bound the live bookings: each has 364 days × 28 half hours ahead, and a live booking may not
 * overlap its host's others (migration 002), so 9 % of 15,000,000 activities live on 40 hosts
 * would not fit (1.36 million bookings for 408,000 slots); on 600 they fill about a fifth.
 */
export const customersFor = (activities: number) => Math.max(5_000, Math.ceil(activities / 200));
export const hostsFor = (activities: number) => Math.max(40, Math.ceil(activities / 25_000));

export const FIRST_NAMES = [
  "Annette", "John", "Priya", "Mateo", "Chen", "Fatima", "Olga", "Kwame", "Sofia", "Liam", "Yuki", "Noah", "Amara", "Lucas",
  "Ines", "Emma", "Oliver", "Charlotte", "Henry", "Amelia", "Jack", "Isla", "Leo", "Maya", "Arjun", "Zara", "Diego", "Elena",
  "Hiroshi", "Mei", "Tariq", "Leila", "Sven", "Astrid", "Pierre", "Camille", "Giulia", "Marco", "Aleksandr", "Natalia", "Kofi",
  "Ama", "Rafael", "Lucia", "Sean", "Niamh", "Dmitri", "Katarzyna", "Omar", "Layla", "Ravi", "Ananya", "Thomas", "Hannah",
  "Samuel", "Grace", "Benjamin", "Chloe", "Daniel", "Ruby",
];
export const LAST_NAMES = [
  "Keller", "Okafor", "Novak", "Silva", "Tanaka", "Haddad", "Brennan", "Moreau", "Lindqvist", "Ortiz", "Smith", "Johnson",
  "Williams", "Brown", "Garcia", "Martinez", "Müller", "Schmidt", "Rossi", "Bianchi", "Dubois", "Laurent", "Kowalski",
  "Nowak", "Ivanova", "Petrov", "Nakamura", "Sato", "Kim", "Park", "Nguyen", "Tran", "Patel", "Sharma", "Mensah", "Owusu",
  "O'Brien", "Murphy", "Jensen", "Hansen", "Fernandes", "Costa", "Yilmaz", "Demir", "Cohen", "Levi", "Andersson", "Berg",
  "Fischer", "Weber", "Romano", "Ferrari", "Wright", "Walker", "Hughes", "Evans", "Clarke", "Lopez", "Gonzalez", "Reyes",
];
export const EMAIL_DOMAINS = ["example.com", "example.org", "example.net", "mail.example.com", "corp.example.org"];
export const TIME_ZONES = ["Europe/Berlin", "Europe/London", "America/New_York", "America/Chicago", "America/Los_Angeles", "Asia/Tokyo", "Australia/Sydney", "Europe/Paris"];

/** The account's users: an admin, a member, and `count - 2` more hosts (team pages spread bookings over them). */
export function benchHosts(count: number): { email: string; name: string; role: "admin" | "member"; timeZone: string }[] {
  return [
    { email: BENCH_ADMIN_EMAIL, name: "Helena Brandt", role: "admin", timeZone: "Europe/Berlin" },
    { email: BENCH_MEMBER_EMAIL, name: "Marcus Webb", role: "member", timeZone: "Europe/London" },
    ...Array.from({ length: count - 2 }, (_, i) => ({
      email: `bench-host-${i + 1}@bookstream.test`,
      name: `${FIRST_NAMES[(i * 7 + 3) % FIRST_NAMES.length]} ${LAST_NAMES[(i * 11 + 5) % LAST_NAMES.length]}`,
      role: "member" as const,
      timeZone: TIME_ZONES[i % TIME_ZONES.length],
    })),
  ];
}
/** Booking pages: name, owner (index into the account's bench hosts), mode, event types. */
export const PAGES: { name: string; owner: number; mode: "automatic" | "approval"; eventTypes: string[] }[] = [
  { name: "Intro call", owner: 0, mode: "automatic", eventTypes: ["Quick chat", "Deep dive"] },
  { name: "Physiotherapy", owner: 1, mode: "approval", eventTypes: ["First assessment", "Follow-up session", "Sports massage"] },
  { name: "Tax consultation", owner: 2, mode: "automatic", eventTypes: ["Tax return review", "Business advice"] },
  { name: "Hair salon", owner: 3, mode: "automatic", eventTypes: ["Haircut", "Colouring", "Beard trim"] },
  { name: "Language lessons", owner: 4, mode: "approval", eventTypes: ["French conversation", "Spanish grammar"] },
  { name: "Dental clinic", owner: 5, mode: "approval", eventTypes: ["Check-up", "Cleaning", "Whitening"] },
  { name: "Personal training", owner: 3, mode: "automatic", eventTypes: ["Strength training", "Yoga class"] },
  { name: "Legal advice", owner: 0, mode: "approval", eventTypes: ["Contract review", "Tenancy question"] },
];
export const WEEKDAYS: OpenHours = { mon: [["09:00", "17:00"]], tue: [["09:00", "17:00"]], wed: [["09:00", "17:00"]], thu: [["09:00", "17:00"]], fri: [["09:00", "17:00"]] };

/**
 * How often each (type, status, detailed status) occurs, and the time it carries: a live meeting
 * ahead (Scheduled/Rescheduled), a finished one behind, a canceled one either side, a pending
 * request (proposed times ahead, no start), an expired one (proposed times behind), or none.
 * Most bookings are in the past, as in an account with two years of history.
 */
type TimeKind = "live" | "past" | "any" | "request" | "expired" | "none";
export const MIX: { type: "booking" | "package" | "transaction"; detailed: string; weight: number; time: TimeKind }[] = [
  { type: "booking", detailed: "Scheduled (By customer)", weight: 6, time: "live" },
  { type: "booking", detailed: "Scheduled (Approved by user)", weight: 1.5, time: "live" },
  { type: "booking", detailed: "Scheduled (Reassigned by user)", weight: 0.6, time: "live" },
  { type: "booking", detailed: "Rescheduled (By customer)", weight: 1.2, time: "live" },
  { type: "booking", detailed: "Rescheduled (Approved by user)", weight: 0.6, time: "live" },
  { type: "booking", detailed: "Rescheduled (Initiated by user)", weight: 0.6, time: "live" },
  { type: "booking", detailed: "Rescheduled (Reassigned by user)", weight: 0.3, time: "live" },
  { type: "booking", detailed: "Requested (By customer)", weight: 3, time: "request" },
  { type: "booking", detailed: "Requested (Initiated by user)", weight: 0.8, time: "request" },
  { type: "booking", detailed: "Canceled (By customer)", weight: 8, time: "any" },
  { type: "booking", detailed: "Canceled (By user)", weight: 4, time: "any" },
  { type: "booking", detailed: "Canceled (New times requested by user)", weight: 1, time: "expired" },
  { type: "booking", detailed: "Canceled (Reschedule requested by user)", weight: 2, time: "any" },
  { type: "booking", detailed: "Completed (Set by System)", weight: 52, time: "past" },
  { type: "booking", detailed: "No-show (Set by user)", weight: 3.4, time: "past" },
  { type: "booking", detailed: "Expired (Set by System)", weight: 5, time: "expired" },
  { type: "package", detailed: "Created", weight: 1.5, time: "none" },
  { type: "package", detailed: "Updated", weight: 1.5, time: "none" },
  { type: "package", detailed: "Completed", weight: 2, time: "none" },
  // Payments and refunds (issue 11): 23.75 of 118.75, so 20 % of the activities are transactions,
  // each with the seed's transaction type as its detailed status (domain/transactions.ts).
  { type: "transaction", detailed: "PAYMENT (SCHEDULE)", weight: 13, time: "none" },
  { type: "transaction", detailed: "PAYMENT (RESCHEDULE)", weight: 1.5, time: "none" },
  { type: "transaction", detailed: "PAYMENT PENDING (SCHEDULE)", weight: 0.75, time: "none" },
  { type: "transaction", detailed: "PAYMENT DENIED (SCHEDULE)", weight: 0.25, time: "none" },
  { type: "transaction", detailed: "AUTOMATIC REFUND (CANCELLATION)", weight: 4.5, time: "none" },
  { type: "transaction", detailed: "AUTOMATIC REFUND PENDING (CANCELLATION)", weight: 0.25, time: "none" },
  { type: "transaction", detailed: "MANUAL REFUND VIA BOOKSTREAM", weight: 2.5, time: "none" },
  { type: "transaction", detailed: "MANUAL REFUND VIA PAYPAL", weight: 0.75, time: "none" },
  { type: "transaction", detailed: "REFUND FAILED", weight: 0.25, time: "none" },
];

export function statusOfMix(m: (typeof MIX)[number]): string {
  if (!hasStory(m.detailed, m.type)) throw new Error(`bulk seed: no history or payment record for ${m.detailed} (bulk-seed-records.ts)`);
  if (m.type === "package") return m.detailed;
  if (m.type === "transaction") {
    if (!isTransactionType(m.detailed)) throw new Error(`bulk seed: unknown transaction type ${m.detailed}`);
    return statusOfTransaction(m.detailed);
  }
  const s = DETAILED_STATUSES[m.detailed as keyof typeof DETAILED_STATUSES];
  if (!s || !BOOKING_STATUSES.includes(s)) throw new Error(`bulk seed: unknown detailed status ${m.detailed}`);
  return s;
}

/** The MIX as VALUES (bucket, type, status, detailed, time kind), bucket numbered from 1. */
export function mixValues() {
  return sql.join(MIX.map((m, i) => sql`(${sql.lit(i + 1)}, ${sql.lit(m.type)}, ${sql.lit(statusOfMix(m))}, ${sql.lit(m.detailed)}, ${sql.lit(m.time)})`));
}

/** The MIX's cumulative lower bounds over [0, 1), for width_bucket(random(), bounds) → bucket. */
export function mixBounds() {
  const total = MIX.reduce((s, m) => s + m.weight, 0);
  let acc = 0;
  const bounds = MIX.map((m) => {
    const lo = acc / total;
    acc += m.weight;
    return sql.lit(lo);
  });
  return sql`ARRAY[${sql.join(bounds)}]::float8[]`;
}
