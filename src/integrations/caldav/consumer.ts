import { idleCalendarEvents, syncBookingToCalendar } from "../../app/calendar/sync-booking.js";
import type { AppContext } from "../../app/context.js";
import type { OutboxConsumer } from "../../jobs/outbox-dispatcher.js";

/**
 * The calendar consumer of the outbox: each booking change reaches its host's connected calendar
 * (src/app/calendar/sync-booking.ts). Leased delivery, outside any transaction: a slow or dead
 * calendar server holds no database connection. At least once, and harmless when repeated (the
 * event is PUT under its stable UID). A server that is down or answers 5xx is retried: 5 s,
 * 10 s, 20 s … capped at 30 minutes, for about a day before the delivery is parked as failed.
 */
export const CALENDAR_CONSUMER = "calendar";

export const calendarBackoff = (attempts: number) => Math.min(30 * 60_000, 2 ** (attempts - 1) * 5_000);

export function calendarConsumer(ctx: AppContext): OutboxConsumer {
  return {
    name: CALENDAR_CONSUMER,
    maxAttempts: 60,
    backoff: calendarBackoff,
    leaseMs: 60_000,
    concurrency: 4,
    idle: (ds) => idleCalendarEvents(ctx, ds),
    async deliver(event) {
      await syncBookingToCalendar(ctx, event);
    },
  };
}
