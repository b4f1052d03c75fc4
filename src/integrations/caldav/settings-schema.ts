import { z } from "zod";

/**
 * What a user types to connect a CalDAV calendar. The URL must be http(s) here; where it may
 * point (public addresses only, unless CALDAV_ALLOW_PRIVATE_NETWORKS=1) is checked on every
 * request by guarded-fetch.ts.
 */
export const CalendarConnectionBody = z.object({
  serverUrl: z.url({ protocol: /^https?$/ }).max(2000).describe("The CalDAV server, e.g. https://caldav.fastmail.com/ or your Nextcloud's /remote.php/dav"),
  username: z.string().trim().min(1).max(200).regex(/^[^:\p{Cc}]+$/u, "no colons or control characters (HTTP Basic sign-in)"),
  password: z.string().min(1).max(500).regex(/^[^\p{Cc}]+$/u, "no control characters").describe("An app password; stored encrypted, never returned"),
  calendarUrl: z.url({ protocol: /^https?$/ }).max(2000).nullable().optional().describe("Which calendar; omit for the first one that takes events"),
}).strict();
