import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../../app/context.js";
import { runSystemTransitions } from "../../app/run-system-transitions.js";
import type { AdjustableClock } from "../../domain/clock.js";
import { invalid } from "../../domain/errors.js";
import { IsoDateTime, errors } from "../schemas.js";

/** Registered only with BOOKSTREAM_TEST_CLOCK=1: moves "now" forward and runs what fell due. */
export function testClockRoutes(ctx: AppContext, clock: AdjustableClock): FastifyPluginAsyncZod {
  return async (app) => {
    app.post("/api/v1/test-clock", {
      schema: {
        tags: ["Testing"], summary: "Move the test clock forward and run the due system transitions",
        body: z.object({ now: IsoDateTime }).strict(),
        response: { 200: z.object({ now: z.string(), completed: z.number(), expired: z.number() }), ...errors(400) },
      },
    }, async (req) => {
      try {
        clock.moveTo(new Date(req.body.now));
      } catch (e) {
        throw invalid("now", (e as Error).message);
      }
      const r = await runSystemTransitions(ctx);
      return { now: clock.now().toISOString(), ...r };
    });
    app.get("/api/v1/test-clock", { schema: { tags: ["Testing"], response: { 200: z.object({ now: z.string() }) } } }, async () => ({ now: clock.now().toISOString() }));
  };
}
