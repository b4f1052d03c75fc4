import { forbidden, notFound, unprocessable } from "../../domain/errors.js";
import { CalendarPeerError } from "../../integrations/caldav/provider.js";
import { findUser } from "../../store/accounts-repo.js";
import { countBusyTimes, deleteCalendarConnection, findCalendarConnection, upsertCalendarConnection } from "../../store/calendar-repo.js";
import { inTransaction } from "../activity-writes.js";
import type { AppContext, Caller } from "../context.js";
import { calendarProviders, passwordBinding } from "./providers.js";
import { refreshBusyTimes } from "./refresh-busy.js";

/**
 * Each user's connected calendar (CalDAV): server URL, username and app password (sealed at rest,
 * never returned). Connecting signs in and picks the calendar — the one named by URL, else the
 * first that takes events — and reads its busy times once. Admins may see others' connection state.
 */
export interface CalendarConnectionInput {
  serverUrl: string;
  username: string;
  password: string;
  calendarUrl?: string | null;
}

export async function getCalendarConnection(ctx: AppContext, caller: Caller, userId = caller.userId) {
  if (userId !== caller.userId) {
    if (caller.role !== "admin") throw forbidden("Only an admin may see another user's calendar connection.");
    if (!(await findUser(ctx.db, caller.accountId, userId))) throw notFound("User", userId);
  }
  const c = await findCalendarConnection(ctx.db, caller.accountId, userId);
  if (!c) return { connected: false as const, userId };
  return {
    connected: true as const,
    userId,
    provider: c.provider,
    serverUrl: c.server_url,
    username: c.username,
    calendarUrl: c.calendar_url,
    calendarName: c.calendar_name,
    connectedAt: c.connected_at.toISOString(),
    busyFetchedAt: c.busy_fetched_at?.toISOString() ?? null,
    busyError: c.busy_error,
    busyTimes: await countBusyTimes(ctx.db, caller.accountId, userId),
  };
}

export async function connectCalendar(ctx: AppContext, caller: Caller, input: CalendarConnectionInput) {
  if (!ctx.secrets?.canSeal) throw unprocessable("This server cannot store credentials: set BOOKSTREAM_SECRET_KEY first.", { reason: "secret_key_missing" });
  const provider = calendarProviders(ctx).forCredentials({ serverUrl: input.serverUrl, username: input.username, password: input.password });
  let chosen;
  try {
    // Every request goes through the SSRF guard (guarded-fetch.ts): only http(s), public addresses.
    chosen = await provider.connect(input.calendarUrl ?? null);
  } catch (err) {
    if (!(err instanceof CalendarPeerError)) throw err;
    // Whatever the calendar server did, it is about what the client sent: 422 with the reason.
    throw unprocessable(`Could not connect the calendar: ${err.message}.`, {
      field: err.status === 401 || err.status === 403 ? "password" : input.calendarUrl && /no calendar at/.test(err.message) ? "calendarUrl" : "serverUrl",
      reason: err.retryable ? "calendar_unreachable" : err.status === 401 || err.status === 403 ? "credentials_refused" : "calendar_refused",
    });
  }
  const now = ctx.clock.now();
  await inTransaction(ctx, (tx) =>
    upsertCalendarConnection(tx, {
      user_id: caller.userId,
      account_id: caller.accountId,
      server_url: input.serverUrl,
      username: input.username,
      password_sealed: ctx.secrets!.sealSecret(input.password, passwordBinding(caller.accountId, caller.userId)),
      calendar_url: chosen.url,
      calendar_name: chosen.name,
      connected_at: now,
      updated_at: now,
    }),
  );
  await refreshBusyTimes(ctx, caller.accountId, caller.userId);
  return getCalendarConnection(ctx, caller);
}

export async function disconnectCalendar(ctx: AppContext, caller: Caller): Promise<void> {
  const gone = await inTransaction(ctx, (tx) => deleteCalendarConnection(tx, caller.accountId, caller.userId));
  if (!gone) throw notFound("Calendar connection of user", caller.userId);
}

/** "Refresh now": reads the busy times again and says how it went. */
export async function refreshMyBusyTimes(ctx: AppContext, caller: Caller) {
  if (!(await findCalendarConnection(ctx.db, caller.accountId, caller.userId))) throw notFound("Calendar connection of user", caller.userId);
  const r = await refreshBusyTimes(ctx, caller.accountId, caller.userId);
  return { ok: r.ok, message: r.ok ? `Read ${r.busy} busy time${r.busy === 1 ? "" : "s"} from the calendar.` : `The calendar could not be read: ${r.error}` , connection: await getCalendarConnection(ctx, caller) };
}
