import type { Clock } from "../domain/clock.js";
import type { Db } from "../store/database.js";
import type { PaymentGateways } from "./payments/gateway.js";
import type { SecretBox } from "./secrets.js";
import type { CalendarProviders } from "../integrations/caldav/provider.js";

/** What every use case gets: the database, "now", and where public links point. */
export interface AppContext {
  db: Db;
  clock: Clock;
  publicUrl: string;
  /**
   * Where reports read (DATABASE_READ_URL: a streaming replica), so their long scans stay off the
   * primary; unset: `db`. Only for reads that may lag the primary by a moment.
   */
  readDb?: Db;
  /** Seals and opens provider credentials (src/app/secrets.ts); server.ts always sets it. */
  secrets?: SecretBox;
  /** Days a delivered outbox event (and its delivery log) is kept (OUTBOX_RETENTION_DAYS; default in housekeeping.ts). */
  outboxRetentionDays?: number;
  /** Called after a transaction that wrote outbox events commits (wakes the dispatcher). */
  onEventsCommitted?: () => void;
  /** Each account's payment provider (PayPal), built from its stored connection. */
  payments?: PaymentGateways;
  /** Users' connected calendars (CalDAV); unset: CalDAV that refuses private networks (src/app/calendar/providers.ts). */
  calendars?: CalendarProviders;
  /**
   * The embedded database (PGlite): one connection for every request, so a long transaction makes
   * every request wait, and a commit hands the connection on before its WAL reaches the disk.
   */
  embedded?: boolean;
}

/** The connection for lag-tolerant reads (reports): the replica when there is one. */
export const readerOf = (ctx: Pick<AppContext, "db" | "readDb">): Db => ctx.readDb ?? ctx.db;

/** A signed-in user (session cookie or API token). */
export interface Caller {
  userId: string;
  accountId: string;
  accountName: string;
  name: string;
  email: string;
  role: "admin" | "member";
  timeZone: string;
}

/** The customer side, acting through a manage link or a public page. */
export interface CustomerActor {
  kind: "customer";
  name: string | null;
}
