import type { FastifyReply, FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { sql } from "kysely";
import { z } from "zod";
import type { AppContext, Caller } from "../../app/context.js";
import { canSee, visibilityOf, type Visibility } from "../../app/permissions.js";
import { SEARCH_FIELDS, SEARCH_GRAMMAR_HELP } from "../../domain/search-query.js";
import type { Db } from "../../store/database.js";
import { callerOf, requireCaller } from "../auth.js";
import { errors } from "../schemas.js";

/**
 * Live updates for open Activity streams, as Server-Sent Events.
 *
 * Stateless across processes: each process polls the database (~1 s) for changes of an account,
 * whichever process, user or job made them, and pushes `{id, updatedAt}` to the connections of
 * that account that may see the activity (members: reuses canSee). One poll per account per
 * process, however many tabs are open.
 *
 * Every change to an activity writes an activity_history row in the same transaction, so history
 * ids (a sequence) are the change feed; updated_at is not used because it comes from the app's
 * clock and is not monotonic. A transaction can commit after a later-numbered one, so each poll
 * re-reads a window of recent ids and skips the history rows it already sent. More changes than
 * one poll reads sends `reset` (the client refetches).
 */
export interface LiveOptions {
  pollMs?: number;
  heartbeatMs?: number;
}

/** How many history ids below the newest are re-read each poll (late commits). */
const WINDOW_IDS = 1_000;
const POLL_LIMIT = 500;
const VISIBILITY_REFRESH_MS = 30_000;
const SESSION_RECHECK_MS = 60_000;

interface Subscriber {
  caller: Caller;
  vis: Visibility;
  send(chunk: string): void;
  end(): void;
}

interface AccountFeed {
  subscribers: Set<Subscriber>;
  /** The newest history id known when the last poll started. */
  watermark: number;
  /** History ids already pushed (within the window). */
  sent: Set<number>;
  timer?: NodeJS.Timeout;
  stopped: boolean;
}

interface ChangedRow {
  historyId: number;
  id: string;
  updatedAt: string;
  owner_id: string | null;
  booking_page_id: string | null;
}

async function newestHistoryId(db: Db): Promise<number> {
  const r = await db.selectFrom("activity_history").select(sql<string | number | null>`max(id)`.as("m")).executeTakeFirst();
  return Number(r?.m ?? 0);
}

/** Changes to the account's activities recorded after history id `after`, oldest first. */
async function changesAfter(db: Db, accountId: string, after: number, limit: number, upTo?: number): Promise<ChangedRow[]> {
  let q = db
    .selectFrom("activity_history as h")
    .innerJoin("activities as a", "a.id", "h.activity_id")
    .select(["h.id as historyId", "a.id as id", "a.updated_at as updatedAt", "a.owner_id as owner_id", "a.booking_page_id as booking_page_id"])
    .where("h.account_id", "=", accountId)
    .where("h.id", ">", String(after));
  if (upTo !== undefined) q = q.where("h.id", "<=", String(upTo));
  const rows = await q.orderBy("h.id", "asc").limit(limit).execute();
  return rows.map((r) => ({ ...r, historyId: Number(r.historyId), updatedAt: new Date(r.updatedAt).toISOString() }));
}

class LiveHub {
  private feeds = new Map<string, AccountFeed>();
  constructor(private db: Db, private pollMs: number) {}

  async subscribe(sub: Subscriber): Promise<() => void> {
    const accountId = sub.caller.accountId;
    let feed = this.feeds.get(accountId);
    if (!feed) {
      const watermark = await newestHistoryId(this.db);
      // What is already in the window happened before this stream opened: not news.
      const seen = await changesAfter(this.db, accountId, watermark - WINDOW_IDS, POLL_LIMIT);
      feed = this.feeds.get(accountId); // another subscriber may have created it meanwhile
      if (!feed) {
        feed = { subscribers: new Set(), watermark, sent: new Set(seen.map((r) => r.historyId)), stopped: false };
        this.feeds.set(accountId, feed);
        this.schedule(accountId, feed);
      }
    }
    feed.subscribers.add(sub);
    const f = feed;
    return () => {
      f.subscribers.delete(sub);
      if (f.subscribers.size === 0) {
        f.stopped = true;
        clearTimeout(f.timer);
        if (this.feeds.get(accountId) === f) this.feeds.delete(accountId);
      }
    };
  }

  closeAll() {
    for (const feed of this.feeds.values()) {
      feed.stopped = true;
      clearTimeout(feed.timer);
      for (const s of feed.subscribers) s.end();
    }
    this.feeds.clear();
  }

  private schedule(accountId: string, feed: AccountFeed) {
    if (feed.stopped) return;
    feed.timer = setTimeout(() => {
      this.poll(accountId, feed)
        .catch(() => undefined) // a failed poll is retried on the next tick
        .finally(() => this.schedule(accountId, feed));
    }, this.pollMs);
  }

  private async poll(accountId: string, feed: AccountFeed) {
    const newest = await newestHistoryId(this.db);
    // Late commits below the watermark, then everything new.
    const late = await changesAfter(this.db, accountId, feed.watermark - WINDOW_IDS, POLL_LIMIT, feed.watermark);
    const news = await changesAfter(this.db, accountId, feed.watermark, POLL_LIMIT);
    if (feed.stopped) return;
    const rows = [...late, ...news];
    const overflow = news.length === POLL_LIMIT;
    const fresh = rows.filter((r) => !feed.sent.has(r.historyId));
    for (const r of fresh) feed.sent.add(r.historyId);
    feed.watermark = Math.max(newest, ...rows.map((r) => r.historyId));
    if (overflow) {
      for (const s of feed.subscribers) s.send("event: reset\ndata: {}\n\n");
    } else {
      // One event per activity, however many history rows it got since the last poll.
      const latest = new Map(fresh.map((r) => [r.id, r]));
      for (const r of latest.values()) {
        const data = `event: activity\ndata: ${JSON.stringify({ id: r.id, updatedAt: r.updatedAt })}\n\n`;
        for (const s of feed.subscribers) if (canSee(s.vis, r)) s.send(data);
      }
    }
    for (const id of feed.sent) if (id <= feed.watermark - WINDOW_IDS) feed.sent.delete(id);
  }
}

export function liveRoutes(ctx: AppContext, opts: LiveOptions = {}): FastifyPluginAsyncZod {
  const heartbeatMs = opts.heartbeatMs ?? 15_000;
  return async (app) => {
    const hub = new LiveHub(ctx.db, opts.pollMs ?? 1_000);
    const authenticate = requireCaller(ctx);
    // Open event streams never end on their own; end them so the server can close.
    app.addHook("preClose", async () => hub.closeAll());
    app.addHook("preHandler", authenticate);

    app.get("/api/v1/search-help", {
      schema: {
        tags: ["Activity stream"], summary: "The free-text filter's grammar, for the help pop-over",
        response: { 200: z.object({ markdown: z.string().describe("Help text (Markdown)"), fields: z.array(z.string()) }), ...errors(401) },
      },
    }, async () => ({ markdown: SEARCH_GRAMMAR_HELP, fields: [...SEARCH_FIELDS] }));

    app.get("/api/v1/live", {
      schema: {
        tags: ["Activity stream"],
        summary: "Server-Sent Events: `activity` {id, updatedAt} when an activity the caller may see changes; `reset` after a burst",
        description: "Poll-free live updates for open streams. Comment lines are heartbeats. Reconnect on error (the `retry` field says when).",
        response: { 200: z.string().describe("text/event-stream"), ...errors(401) },
      },
    }, async (req, reply) => stream(req, reply));

    async function stream(req: FastifyRequest, reply: FastifyReply) {
      const caller = callerOf(req);
      const vis = await visibilityOf(ctx.db, caller);
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache, no-transform",
        connection: "keep-alive",
        "x-accel-buffering": "no",
      });
      res.write("retry: 2000\n: connected\n\n");
      let ended = false;
      const timers: NodeJS.Timeout[] = [];
      let unsubscribe: () => void = () => undefined;
      const end = () => {
        if (ended) return;
        ended = true;
        timers.forEach(clearInterval);
        unsubscribe();
        res.end();
      };
      const sub: Subscriber = { caller, vis, send: (chunk) => !ended && res.write(chunk), end };
      req.raw.on("close", end);
      res.on("error", end);
      unsubscribe = await hub.subscribe(sub);
      if (ended) unsubscribe();
      timers.push(setInterval(() => sub.send(": heartbeat\n\n"), heartbeatMs));
      timers.push(setInterval(() => {
        visibilityOf(ctx.db, caller).then((v) => (sub.vis = v)).catch(() => undefined);
      }, VISIBILITY_REFRESH_MS));
      // A signed-out session or a revoked token ends the stream.
      timers.push(setInterval(() => {
        authenticate(req, reply).catch((err) => {
          if ((err as { code?: string }).code === "unauthenticated") end();
        });
      }, SESSION_RECHECK_MS));
    }
  };
}
