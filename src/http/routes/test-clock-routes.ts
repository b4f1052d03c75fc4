import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../../app/context.js";
import { runSystemTransitions } from "../../app/run-system-transitions.js";
import { runTimedNotifications } from "../../app/notifications/run-timed-notifications.js";
import { runTrashPurge } from "../../app/trash/run-trash-purge.js";
import type { AdjustableClock } from "../../domain/clock.js";
import { forbidden, invalid } from "../../domain/errors.js";
import { callerOf, requireCaller } from "../auth.js";
import { IsoDateTime, errors } from "../schemas.js";

/** Registered only with BOOKSTREAM_TEST_CLOCK=1: moves "now" forward and runs what fell due. */
export function testClockRoutes(ctx: AppContext, clock: AdjustableClock): FastifyPluginAsyncZod {
  return async (app) => {
    // Moving time completes and expires bookings of every account: only an admin may.
    app.addHook("preHandler", requireCaller(ctx));
    app.addHook("preHandler", async (req) => {
      if (callerOf(req).role !== "admin") throw forbidden("Only an admin may read or move the test clock.", {});
    });
    app.post("/api/v1/test-clock", {
      schema: {
        tags: ["Testing"], summary: "Move the test clock forward and run the due system transitions",
        body: z.object({ now: IsoDateTime }).strict(),
        response: { 200: z.object({ now: z.string(), completed: z.number(), expired: z.number() }), ...errors(400, 401, 403) },
      },
    }, async (req) => {
      try {
        clock.moveTo(new Date(req.body.now));
      } catch (e) {
        throw invalid("now", (e as Error).message);
      }
      const r = await runSystemTransitions(ctx);
      // Reminders and follow-ups that fell due meanwhile (after the transitions: a follow-up is decided on the final status).
      await runTimedNotifications(ctx);
      // What has been in the Trash for 30 days is deleted, as the purge job would.
      await runTrashPurge(ctx);
      return { now: clock.now().toISOString(), ...r };
    });
    app.get("/api/v1/test-clock", { schema: { tags: ["Testing"], summary: "The test clock's now", response: { 200: z.object({ now: z.string() }), ...errors(401, 403) } } }, async () => ({ now: clock.now().toISOString() }));
  };
}
