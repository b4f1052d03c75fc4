import { createHash, randomBytes } from "node:crypto";
import { newActivityId } from "../domain/activity-id.js";
import { DomainError } from "../domain/errors.js";
import type { ActivitySnapshot, OutboxEvent } from "../domain/events.js";
import {
  assertTransitionAllowed,
  CREATION_STATUS,
  statusOf,
  type Actor,
  type CreationOrigin,
  type DetailedStatus,
  type Transition,
} from "../domain/lifecycle.js";
import {
  findActivity,
  insertActivityWithRecords,
  insertHistory,
  updateActivityGuarded,
  type ActivityChanges,
  type ActivityRow,
  type NewActivity,
} from "../store/activities-repo.js";
import type { Tx } from "../store/database.js";
import { enqueueEvents } from "../store/outbox-repo.js";
import { claimIdempotencyKey } from "../store/idempotency-repo.js";
import { requestScope } from "./request-scope.js";
import { asLastStatement, withGenericPlans } from "../store/prepared.js";
import { insertManageToken } from "../store/pages-repo.js";
import type { RelationKind } from "../store/schema.js";
import type { AppContext } from "./context.js";
import { isDuplicateLiveBooking, isExclusionViolation } from "../store/db-errors.js";
import { customerRecord, type CustomerInput } from "./booking-rules.js";
import { placeHolds, releaseHolds } from "./holds.js";
import { linkReplacementToPackage, onSessionTransition } from "./package-writes.js";

/**
 * The one place activities are written. Each function runs inside the caller's transaction and
 * writes the state, its immutable history row, relations and outbox events together.
 */

export interface ActorInfo {
  type: Actor;
  id: string | null;
  name: string | null;
}

export function snapshot(
  a: Pick<ActivityRow, "id" | "type" | "status" | "detailed_status" | "booking_page_id" | "event_type_id" | "owner_id" | "customer_name" | "customer_email" | "customer_time_zone" | "start_at" | "end_at" | "reason"> &
    Partial<Pick<ActivityRow, "amount_minor" | "currency">>,
): ActivitySnapshot {
  return {
    id: a.id,
    type: a.type,
    status: a.status,
    detailedStatus: a.detailed_status,
    bookingPageId: a.booking_page_id,
    eventTypeId: a.event_type_id,
    ownerId: a.owner_id,
    customer: { name: a.customer_name, email: a.customer_email, timeZone: a.customer_time_zone },
    start: a.start_at ? new Date(a.start_at).toISOString() : null,
    end: a.end_at ? new Date(a.end_at).toISOString() : null,
    reason: a.reason,
    ...(a.type === "transaction" && a.amount_minor != null && a.currency ? { amount: { minor: a.amount_minor, currency: a.currency } } : {}),
  };
}

/** Loads the activity inside the transaction, so rules are checked against what will be written. */
export async function loadInTx(tx: Tx, accountId: string, id: string): Promise<ActivityRow> {
  const a = await findActivity(tx, accountId, id);
  if (!a) throw new DomainError("not_found", `Activity ${id} was not found`, { id });
  return a;
}

export interface TransitionArgs {
  activity: ActivityRow;
  transition: Transition;
  action: string;
  actor: ActorInfo;
  reason?: string | null;
  changes?: Omit<Partial<ActivityChanges>, "status" | "detailed_status" | "updated_at">;
  data?: Record<string, unknown>;
  extraEvents?: (after: ActivityRow) => OutboxEvent[];
}

/** Checks the lifecycle rule, applies the guarded update, writes history and events. */
export async function applyTransition(tx: Tx, ctx: AppContext, args: TransitionArgs): Promise<ActivityRow> {
  const { activity: a } = args;
  const to = assertTransitionAllowed(a.id, a.detailed_status as DetailedStatus, args.transition, args.action);
  const now = ctx.clock.now();
  const changes: ActivityChanges = { ...args.changes, status: statusOf(to), detailed_status: to, updated_at: now };
  if (args.reason !== undefined) changes.reason = args.reason;
  const won = await updateActivityGuarded(tx, a.account_id, a.id, { detailedStatus: a.detailed_status, version: a.version }, changes).catch(slotTaken(changes));
  if (!won) {
    const current = await findActivity(tx, a.account_id, a.id);
    throw new DomainError("conflict", `${a.id} was changed by someone else; it is now ${current?.detailed_status ?? "deleted"}.`, {
      activityId: a.id,
      status: current?.status,
      detailedStatus: current?.detailed_status,
    });
  }
  const after: ActivityRow = { ...a, ...changes, version: a.version + 1 } as ActivityRow;
  await insertHistory(tx, {
    accountId: a.account_id,
    activityId: a.id,
    at: now,
    actorType: args.actor.type,
    actorId: args.actor.id,
    actorName: args.actor.name,
    action: args.action,
    from: { status: a.status, detailedStatus: a.detailed_status },
    to: { status: after.status, detailedStatus: after.detailed_status },
    reason: args.reason ?? null,
    data: args.data,
  });
  const event: OutboxEvent = {
    type: "activity.updated",
    activity: snapshot(after),
    action: args.action,
    actor: args.actor.type,
    from: { status: a.status, detailedStatus: a.detailed_status },
    previous: {
      start: a.start_at ? new Date(a.start_at).toISOString() : null,
      end: a.end_at ? new Date(a.end_at).toISOString() : null,
      ownerId: a.owner_id,
    },
    reason: args.reason ?? null,
  };
  await emit(tx, a.account_id, [event, ...(args.extraEvents?.(after) ?? [])], now);
  // Scheduling (issue 3): a request that is no longer pending frees its held times; a package
  // follows its sessions.
  if (a.status === "Requested" && after.status !== "Requested") await releaseHolds(tx, a.account_id, a.id);
  await onSessionTransition(tx, ctx, after, args.transition.kind, args.actor);
  return after;
}

/** The database's no-double-booking constraint refused the write: the time is taken (409). */
function slotTaken(at: { start_at?: Date | null; end_at?: Date | null }) {
  return (err: unknown): never => {
    if (isDuplicateLiveBooking(err)) {
      // A retried booking (no Idempotency-Key) must not become a second one, even with another host.
      throw new DomainError("conflict", `This customer already has a booking on this booking page at ${at.start_at?.toISOString() ?? "that time"}; it was not booked twice.`, {
        field: "start",
        start: at.start_at?.toISOString() ?? null,
        reason: "duplicate_booking",
      });
    }
    if (!isExclusionViolation(err)) throw err;
    const span = at.start_at && at.end_at ? ` between ${at.start_at.toISOString()} and ${at.end_at.toISOString()}` : "";
    throw new DomainError("slot_unavailable", `That time is no longer available: the host is already booked${span}; choose another time.`, {
      start: at.start_at?.toISOString() ?? null,
      end: at.end_at?.toISOString() ?? null,
    });
  };
}

export type NewActivityFields = Omit<NewActivity, "id" | "status" | "detailed_status" | "created_at" | "updated_at" | "account_id">;

export interface CreateArgs {
  accountId: string;
  origin: CreationOrigin;
  actor: ActorInfo;
  fields: NewActivityFields;
  relatedFrom?: { id: string; kind: RelationKind };
  reason?: string | null;
  data?: Record<string, unknown>;
  /** Find or create this customer (by e-mail) in the booking's own statement, for fields.customer_id. */
  newCustomer?: CustomerInput;
  /**
   * The caller runs no statement after createBooking in its transaction: the booking's statement
   * may then carry the COMMIT (asLastStatement), when createBooking itself has nothing to add.
   */
  lastInTransaction?: boolean;
}

/** Creates a booking in its starting detailed status, with history, relation, manage link and event. */
export async function createBooking(tx: Tx, ctx: AppContext, args: CreateArgs): Promise<{ activity: ActivityRow; manageToken: string }> {
  const now = ctx.clock.now();
  const detailed = CREATION_STATUS[args.origin];
  const row: NewActivity = {
    ...args.fields,
    id: newActivityId("booking"),
    account_id: args.accountId,
    status: statusOf(detailed),
    detailed_status: detailed,
    created_at: now,
    updated_at: now,
  };
  const manageToken = newManageToken();
  const activity = { ...row, version: 1, page_owner_id: null, page_slug: null, page_location: null } as ActivityRow;
  const event: OutboxEvent = { type: "activity.created", activity: snapshot(activity), origin: args.origin, actor: args.actor.type, relatedTo: args.relatedFrom?.id ?? null };
  const insert = () => insertActivityWithRecords(tx, {
    activity: row,
    customer: args.newCustomer && customerRecord(args.accountId, args.newCustomer),
    history: {
      accountId: args.accountId,
      activityId: row.id,
      at: now,
      actorType: args.actor.type,
      actorId: args.actor.id,
      actorName: args.actor.name,
      action: args.origin,
      from: null,
      to: { status: row.status, detailedStatus: row.detailed_status },
      reason: args.reason ?? null,
      data: { ...args.data, ...(args.relatedFrom ? { relatedFrom: args.relatedFrom.id } : {}) },
    },
    relation: args.relatedFrom && { fromId: args.relatedFrom.id, kind: args.relatedFrom.kind },
    manageTokenHash: manageToken.hash,
    events: [{ accountId: args.accountId, activityId: row.id, type: event.type, payload: event as unknown as Record<string, unknown>, at: now }],
  });
  // A replacement is linked to its package and a request's times held after the insert; anything
  // else creates nothing more here.
  const last = args.lastInTransaction === true && args.relatedFrom === undefined && row.status !== "Requested";
  const { customerId } = await (last ? asLastStatement(insert) : insert()).catch(slotTaken(row));
  activity.customer_id = customerId;
  if (args.relatedFrom?.kind === "rescheduled_as") await linkReplacementToPackage(tx, args.accountId, args.relatedFrom.id, row.id, now);
  await placeHolds(tx, row);
  return { activity, manageToken: manageToken.token };
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** A manage link token: 256 random bits, handed out once, stored only as its hash. */
function newManageToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString("base64url");
  return { token, hash: hashToken(token) };
}

export async function issueManageToken(tx: Tx, accountId: string, activityId: string): Promise<string> {
  const { token, hash } = newManageToken();
  await insertManageToken(tx, { token_hash: hash, account_id: accountId, activity_id: activityId });
  return token;
}

export function manageLink(ctx: AppContext, token: string): string {
  return `${ctx.publicUrl.replace(/\/$/, "")}/manage/${token}`;
}

export async function emit(tx: Tx, accountId: string, events: OutboxEvent[], at: Date): Promise<void> {
  await enqueueEvents(
    tx,
    events.map((e) => ({ accountId, activityId: "activity" in e ? e.activity.id : null, type: e.type, payload: e as unknown as Record<string, unknown>, at })),
  );
}

/** How long an Idempotency-Key is remembered (Stripe's 24 hours). */
export const IDEMPOTENCY_TTL_MS = 24 * 3_600_000;

/**
 * Runs `work` in one transaction and wakes the outbox dispatcher after it commits. When the
 * request carries an Idempotency-Key (request-scope.ts), the first such transaction claims it:
 * the change and the claim commit together, so a retry can never do the change twice.
 * `genericPlans`: every statement of `work` has a plan that cannot depend on its values
 * (withGenericPlans says why that matters on the booking path).
 */
export async function inTransaction<T>(ctx: AppContext, work: (tx: Tx) => Promise<T>, opts: { genericPlans?: boolean } = {}): Promise<T> {
  const claim = requestScope.getStore()?.idempotency;
  const run = () => ctx.db.transaction().execute(async (tx) => {
    if (claim && !claim.claimed) await claimIdempotencyKey(tx, claim, ctx.clock.now(), IDEMPOTENCY_TTL_MS);
    return work(tx);
  });
  const result = await (opts.genericPlans ? withGenericPlans(run) : run());
  if (claim) claim.claimed = true;
  ctx.onEventsCommitted?.();
  return result;
}
