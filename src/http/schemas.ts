import { z } from "zod";
import { BOOKING_STATUSES, DETAILED_STATUS_LIST, CUSTOMER_ACTIONS } from "../domain/lifecycle.js";
import { ACTIVITY_ACTIONS } from "../app/permissions.js";
import { TRASH_ACTIONS } from "../domain/trash.js";
import { isValidTimeZone } from "../domain/open-hours.js";

/** Shared request/response schemas; the OpenAPI document is generated from these. */

export const ErrorResponse = z
  .object({
    error: z.object({
      code: z.string().describe("Stable machine-readable code, e.g. action_not_allowed"),
      message: z.string().describe("What went wrong, for people"),
      details: z.record(z.string(), z.unknown()).describe("Context: the field at fault, the current status…"),
    }),
  })
  .describe("Every error has this shape");

export const errors = (...codes: (400 | 401 | 403 | 404 | 409 | 422 | 429)[]) => Object.fromEntries(codes.map((c) => [c, ErrorResponse]));

/**
 * Years a date or time may have. Generous for any booking, birthday or report, and far from the
 * edges where things break: PostgreSQL has no year 0, and a meeting starting late on 9999-12-31
 * ends in year 10000, which neither ISO 8601's four digits nor the database's formatting handle.
 */
export const YEAR_RANGE = { min: 1900, max: 2999 } as const;

const yearOf = (iso: string) => Number(iso.slice(0, 4));
const inYearRange = (iso: string) => yearOf(iso) >= YEAR_RANGE.min && yearOf(iso) <= YEAR_RANGE.max;
const yearMessage = `the year must be between ${YEAR_RANGE.min} and ${YEAR_RANGE.max}`;

export const IsoDateTime = z.iso
  .datetime({ offset: true })
  .refine(inYearRange, yearMessage)
  .describe(`ISO 8601 date-time with offset, e.g. 2026-12-01T15:30:00Z; years ${YEAR_RANGE.min}–${YEAR_RANGE.max}`);

export const IsoDate = z.iso
  .date()
  .refine(inYearRange, yearMessage)
  .describe(`A local date, YYYY-MM-DD; years ${YEAR_RANGE.min}–${YEAR_RANGE.max}`);
export const TimeZone = z.string().refine(isValidTimeZone, "unknown IANA time zone").describe("IANA time zone, e.g. Europe/Berlin");

export const CustomerInput = z.object({
  name: z.string().trim().min(1).max(200).describe("The customer's full name"),
  email: z.email().max(320).describe("The customer's e-mail address"),
  phone: z.string().trim().max(40).optional().describe("Phone number"),
  timeZone: TimeZone.optional(),
});

export const ActivityId = z
  .string()
  .regex(/^(BKNG|PKG|TXN)-[A-Za-z0-9]+$/, "not an activity ID (BKNG-…, PKG-…, TXN-…)")
  .describe("Activity ID: BKNG-XXXXXXXXXXXX, PKG-XXXXXXXXXX or TXN-XXXXXXXX");

const Ref = z.object({ id: z.string(), name: z.string() });

export const Activity = z.object({
  id: z.string().describe("Activity ID"),
  type: z.enum(["booking", "package", "transaction"]),
  status: z.string().describe(`Status: ${BOOKING_STATUSES.join(", ")}`),
  detailedStatus: z.string().describe(`Detailed status, e.g. ${DETAILED_STATUS_LIST.slice(0, 3).join("; ")}`),
  bookingPage: Ref.extend({ slug: z.string() }).nullable(),
  eventType: Ref.nullable(),
  owner: Ref.nullable().describe("The host"),
  customer: z.object({
    id: z.string().nullable(),
    name: z.string().nullable(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    timeZone: z.string().nullable(),
  }),
  start: z.string().nullable().describe("Meeting start (UTC ISO); null for a request"),
  end: z.string().nullable(),
  proposedTimes: z.array(z.string()).nullable().describe("A request's proposed start times"),
  reason: z.string().nullable().describe("Last cancel/reschedule reason (shown to the customer)"),
  sessions: z
    .object({
      count: z.number().int().describe("Sessions held or still to come (canceled and expired ones are not counted)"),
      firstStart: z.string().nullable(),
      lastStart: z.string().nullable(),
    })
    .nullable()
    .describe("A session package's sessions; null for other activities"),
  createdAt: z.string(),
  updatedAt: z.string(),
  amount: z.object({ value: z.string().describe("Decimal, in the currency's units"), currency: z.string(), minor: z.number().int().describe("In minor units (cents)") })
    .nullable().describe("A transaction's amount"),
  actions: z.array(z.enum(ACTIVITY_ACTIONS)).describe("Actions the caller may take now (none while in the Trash)"),
  trash: z.object({
    trashedAt: z.string().describe("When it was moved to the Trash"),
    trashedBy: Ref.nullable().describe("The admin who moved it (name empty if their user was removed since)"),
    deletesAt: z.string().describe("When it is deleted permanently: 30 days after trashedAt"),
  }).nullable().describe("Set while the activity is in the Trash (reports show it as \"(In Trash)\")"),
  trashActions: z.array(z.enum(TRASH_ACTIONS)).describe("Trash actions the caller may take (admins only): move-to-trash, or restore and delete-permanently"),
  paymentDeleted: z.boolean().describe("A booking or package whose payment was deleted permanently: no refund, invoice, booking page link or policy"),
});

/** A page of the Activity stream (or of its Trash filter). */
export const StreamPage = z.object({
  items: z.array(Activity),
  nextCursor: z.string().nullable().describe("Pass as `cursor` for the next page; null on the last"),
  total: z.number().int().optional().describe("With includeTotal=true: how many match, counted up to 10,000"),
  totalIsLowerBound: z.boolean().optional().describe("With includeTotal=true: more than `total` match"),
});

const MoneyView = z.object({ value: z.string(), currency: z.string(), minor: z.number().int() });

export const PaymentDetails = z.object({
  kind: z.enum(["payment", "refund"]),
  purpose: z.enum(["schedule", "reschedule", "cancellation", "bookstream", "paypal"]).describe("What a payment paid for, or where a refund came from"),
  state: z.enum(["submitting", "pending", "completed", "denied", "failed"]).describe("Where PayPal is with it"),
  amount: MoneyView,
  refunded: MoneyView.nullable().describe("A payment's refunds so far (pending ones included)"),
  refundable: MoneyView.nullable().describe("What is left to refund on a payment"),
  payer: z.object({ email: z.string().nullable(), name: z.string().nullable(), payerId: z.string().nullable() }).nullable(),
  paypal: z.object({ orderId: z.string().nullable(), captureId: z.string().nullable(), refundId: z.string().nullable() }),
  paidFor: z.string().nullable().describe("The booking or package"),
  refundOf: z.string().nullable().describe("A refund's payment"),
  reason: z.string().nullable(),
});

export const ActivityDetails = Activity.extend({
  location: z.string().nullable().describe("Where the meeting takes place (the booking page's location or video link)"),
  answers: z.record(z.string(), z.string()),
  rescheduleRequest: z.object({ eventType: z.enum(["same", "any"]), reason: z.string() }).nullable(),
  version: z.number().int(),
  payment: PaymentDetails.nullable().describe("A transaction's payment details"),
  related: z.array(
    z.object({
      relation: z.string().describe("rescheduled_as, rescheduled_from, resubmitted_as, resubmitted_from, session, package, payment, paid_for"),
      id: z.string(),
      type: z.string(),
      status: z.string(),
      detailedStatus: z.string(),
      start: z.string().nullable(),
      visible: z.boolean().describe("Whether the caller may open it"),
    }),
  ),
  history: z.array(
    z.object({
      at: z.string(),
      actor: z.object({ type: z.enum(["customer", "user", "system"]), id: z.string().nullable(), name: z.string().nullable() }),
      action: z.string(),
      from: z.object({ status: z.string(), detailedStatus: z.string() }).nullable(),
      to: z.object({ status: z.string(), detailedStatus: z.string() }),
      reason: z.string().nullable(),
      data: z.record(z.string(), z.unknown()),
    }),
  ),
});

export const InvoiceLink = z.object({
  transactionId: z.string().describe("The payment's or refund's Transaction ID (TXN-…)"),
  kind: z.enum(["invoice", "credit-note"]),
  number: z.string().describe("The document's number (INV-… or CN-…)"),
  transactionType: z.string(),
  status: z.string(),
  amount: z.object({ value: z.string(), currency: z.string(), minor: z.number().int() }),
  createdAt: z.string(),
  url: z.string().describe("GET it for the PDF (a path under the customer's own manage link)"),
});

export const ManageView = z.object({
  id: z.string(),
  status: z.string(),
  detailedStatus: z.string(),
  bookingPage: z.object({ name: z.string(), slug: z.string(), timeZone: z.string(), mode: z.enum(["automatic", "approval"]), location: z.string().nullable() }),
  eventType: Ref.nullable(),
  host: z.string().nullable(),
  customer: z.object({ name: z.string().nullable(), email: z.string().nullable(), timeZone: z.string().nullable() }),
  start: z.string().nullable(),
  end: z.string().nullable(),
  proposedTimes: z.array(z.string()).nullable(),
  reason: z.string().nullable().describe("The reason the user gave, when they canceled or asked to reschedule"),
  rescheduleRequest: z.object({ eventType: z.enum(["same", "any"]), reason: z.string() }).nullable(),
  actions: z.array(z.enum(CUSTOMER_ACTIONS)),
  eventTypes: z.array(Ref.extend({ durationMinutes: z.number() })),
  otherPages: z.array(z.object({ name: z.string(), slug: z.string() })).describe("Pages of the same account the booking may move to"),
  invoices: z.array(InvoiceLink).describe("Invoices (payments) and credit notes (refunds) of this booking or its package, to download"),
});

export const CreatedResponse = z.object({
  activity: ActivityDetails.or(ManageView),
  manageLink: z.string().describe("The customer's link to view, cancel or reschedule"),
});

export const csv = <T extends z.ZodType<unknown, string>>(item: T) =>
  z
    .string()
    .transform((s) => s.split(",").map((x) => x.trim()).filter(Boolean))
    .pipe(z.array(item))
    .optional();

/**
 * Route options for the busiest answers, built field by field from their schema's own shape
 * (presentActivity, getActivityDetails, presentManageView): outside tests they may skip checking
 * each answer against the schema, which on a page of 50 activities is a large share of the
 * request. Tests and development keep the check (BOOKSTREAM_VALIDATE_RESPONSES=1).
 */
export function answerChecking(validateResponses: boolean) {
  return validateResponses ? {} : { serializerCompiler: () => (data: unknown) => JSON.stringify(data) };
}

/** The business behind a customer page: its name, logo and accent colour (account settings). */
export const PublicBusiness = z.object({
  name: z.string(),
  logoUrl: z.string().nullable(),
  brandColor: z.string().nullable().describe("#rrggbb, or null for Bookstream's colour"),
});
