import { calendarRoutes, publicCalendarRoutes } from "./routes/calendar-routes.js";
import path from "node:path";
import { fileURLToPath } from "node:url";
import cookie from "@fastify/cookie";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import Fastify, { type FastifyInstance } from "fastify";
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from "fastify-type-provider-zod";
import type { AppContext } from "../app/context.js";
import type { AdjustableClock } from "../domain/clock.js";
import { body, errorHandler } from "./error-mapping.js";
import { installIdempotency } from "./idempotency.js";
import { TAGS, assignOperationId } from "./operation-ids.js";
import { loggerOptions, type LogDestination } from "./request-logging.js";
import { MAX_PARAM_LENGTH, clientErrorHandler, frameworkErrors, registerInputGuards } from "./input-guards.js";
import { registerCrossSiteCheck } from "./cross-site.js";
import { allowInlineStylesForDocs, registerSecurityHeaders } from "./security-headers.js";
import { registerWebApp } from "./web-app.js";
import { checkoutRoutes } from "./routes/checkout-routes.js";
import { invoiceRoutes } from "./routes/invoice-routes.js";
import { paymentRoutes } from "./routes/payment-routes.js";
import { salesforceRoutes } from "./routes/salesforce-routes.js";
import { accountRoutes } from "./routes/account-routes.js";
import { accountSettingsRoutes } from "./routes/account-settings-routes.js";
import { joinRoutes } from "./routes/join-routes.js";
import { teamRoutes } from "./routes/team-routes.js";
import { activityRoutes } from "./routes/activity-routes.js";
import { trashRoutes } from "./routes/trash-routes.js";
import { privacyRoutes } from "./routes/privacy-routes.js";
import { reportRoutes } from "./routes/report-routes.js";
import { liveRoutes } from "./routes/live-routes.js";
import { publicRoutes } from "./routes/public-routes.js";
import { availabilityRoutes } from "./routes/availability-routes.js";
import { publicSchedulingRoutes } from "./routes/public-scheduling-routes.js";
import { schedulingRoutes } from "./routes/scheduling-routes.js";
import { savedFilterRoutes } from "./routes/saved-filter-routes.js";
import { testClockRoutes } from "./routes/test-clock-routes.js";
import { tokenRoutes } from "./routes/token-routes.js";
import { notificationRoutes } from "./routes/notification-routes.js";
import { webhookRoutes } from "./routes/webhook-routes.js";
import { deliveryRoutes } from "./routes/delivery-routes.js";

export interface HttpOptions {
  logLevel?: string;
  /** Where request logs go (default: standard output); tests capture them here. */
  logStream?: LogDestination;
  signInRateLimit?: number;
  /** Present only when the server runs with BOOKSTREAM_TEST_CLOCK=1. */
  testClock?: AdjustableClock;
  /** The built web app (web/dist); served at / when present. */
  webDist?: string;
  secureCookies?: boolean;
  /**
   * Behind a reverse proxy: take the client's address from X-Forwarded-For. Off by default, or a
   * client could pick its own address and slip past the sign-in rate limit.
   */
  trustProxy?: boolean;
  /** Check every answer against its schema (tests, development); default true. */
  validateResponses?: boolean;
}

const DEFAULT_WEB_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../web/dist");

/** Builds the Fastify app: the API under /api, its OpenAPI document and docs, and the web app. */
export async function buildHttpApp(ctx: AppContext, opts: HttpOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: loggerOptions(opts.logLevel ?? "info", opts.logStream),
    trustProxy: opts.trustProxy ?? false,
    bodyLimit: 256 * 1024,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    frameworkErrors,
    clientErrorHandler,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  registerInputGuards(app);

  // Before any route: every documented operation gets its operationId and tag from one table.
  app.addHook("onRoute", assignOperationId);
  // Served over HTTPS (PUBLIC_URL https://…): what makes cookies secure also turns on HSTS and upgrades.
  const https = opts.secureCookies ?? false;
  await registerSecurityHeaders(app, { https });
  await app.register(cookie);
  registerCrossSiteCheck(app, ctx);
  await app.register(swagger, {
    openapi: {
      info: { title: "Bookstream API", version: "1.0.0", description: "The booking back office: the Activity stream, lifecycle actions and the customer's public side." },
      components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" }, cookie: { type: "apiKey", in: "cookie", name: "bookstream_session" } } },
      security: [{ bearer: [] }, { cookie: [] }],
      tags: TAGS.map((t) => ({ ...t })),
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: "/api/docs", transformStaticCSP: allowInlineStylesForDocs });
  app.get("/api/openapi.json", { schema: { hide: true } }, async () => app.swagger());
  app.get("/api/health", { schema: { hide: true } }, async () => ({ ok: true }));

  installIdempotency(app, ctx);
  await app.register(accountRoutes(ctx, { signInRateLimit: opts.signInRateLimit ?? 10, secureCookies: opts.secureCookies ?? false }));
  await app.register(activityRoutes(ctx, { validateResponses: opts.validateResponses ?? true }));
  await app.register(trashRoutes(ctx));
  await app.register(privacyRoutes(ctx));
  await app.register(reportRoutes(ctx));
  await app.register(publicRoutes(ctx, { validateResponses: opts.validateResponses ?? true }));
  await app.register(schedulingRoutes(ctx));
  await app.register(availabilityRoutes(ctx));
  await app.register(publicSchedulingRoutes(ctx));
  await app.register(savedFilterRoutes(ctx));
  await app.register(tokenRoutes(ctx));
  await app.register(liveRoutes(ctx));
  await app.register(teamRoutes(ctx));
  await app.register(joinRoutes(ctx, { secureCookies: opts.secureCookies ?? false }));
  await app.register(accountSettingsRoutes(ctx));
  await app.register(paymentRoutes(ctx));
  await app.register(salesforceRoutes(ctx));
  await app.register(checkoutRoutes(ctx));
  await app.register(notificationRoutes(ctx));
  await app.register(invoiceRoutes(ctx));
  await app.register(webhookRoutes(ctx));
  await app.register(deliveryRoutes(ctx));
  await app.register(calendarRoutes(ctx));
  await app.register(publicCalendarRoutes(ctx));
  if (opts.testClock) await app.register(testClockRoutes(ctx, opts.testClock));

  const webApp = await registerWebApp(app, ctx, { webDist: opts.webDist ?? DEFAULT_WEB_DIST, https });
  app.setNotFoundHandler((req, reply) => {
    if (req.url.startsWith("/api/") || !webApp || req.method !== "GET") {
      return reply.status(404).send(body("not_found", `No route ${req.method} ${req.url.split("?")[0]}`, {}));
    }
    // The web app routes on the client (/, /book/:slug, /manage/:token …).
    return webApp.send(req, reply);
  });
  return app;
}
