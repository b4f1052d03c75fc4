import { calDavProviders } from "../../integrations/caldav/client.js";
import type { CalendarProvider, CalendarProviders } from "../../integrations/caldav/provider.js";
import type { CalendarConnectionRow } from "../../store/calendar-repo.js";
import type { AppContext } from "../context.js";

const DEFAULT = calDavProviders({ allowPrivateNetworks: false });

export function calendarProviders(ctx: AppContext): CalendarProviders {
  return ctx.calendars ?? DEFAULT;
}

export function passwordBinding(accountId: string, userId: string) {
  return { accountId, purpose: `caldav.password:${userId}` };
}

/** The provider for a stored connection (its password unsealed only here, for the call). */
export function providerFor(ctx: AppContext, c: CalendarConnectionRow): CalendarProvider {
  if (!ctx.secrets) throw new Error("calendar connections need the secret box");
  const password = ctx.secrets.openSecret(c.password_sealed, passwordBinding(c.account_id, c.user_id));
  return calendarProviders(ctx).forCredentials({ serverUrl: c.server_url, username: c.username, password });
}
