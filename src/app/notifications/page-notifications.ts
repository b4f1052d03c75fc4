import { DomainError, notFound } from "../../domain/errors.js";
import { AUDIENCES, TEMPLATE_FIELDS, TEMPLATE_FIELD_LIST, TEMPLATE_KINDS, unknownFields, type Audience, type TemplateKind } from "../../domain/notifications.js";
import { DEFAULT_TEMPLATES, type TemplateText } from "../../integrations/email/default-templates.js";
import { renderTemplate, type FieldValues, type RenderedMessage } from "../../integrations/email/render.js";
import { findActivity } from "../../store/activities-repo.js";
import { findAccount, findUser } from "../../store/accounts-repo.js";
import { deleteTemplate, findNotificationSettings, findTemplate, listTemplates, saveNotificationSettings, saveTemplate } from "../../store/notifications-repo.js";
import { findPackageIdOf } from "../../store/packages-repo.js";
import type { Caller, AppContext } from "../context.js";
import { pageFor } from "../manage-booking-pages.js";
import { canSee, visibilityOf } from "../permissions.js";
import { formatTime } from "./compose.js";

/**
 * A booking page's e-mail notifications: each default on or off, when reminders and follow-ups
 * fall due, and custom templates per kind and audience (with their dynamic fields checked), plus
 * a preview with sample or real activity data. Everyone who sees the page reads them; its
 * owner, editors and admins change them.
 */
export interface NotificationSettingsView {
  enabled: Record<TemplateKind, boolean>;
  reminderHours: number;
  followUpHours: number;
  templates: { kind: TemplateKind; audience: Audience; custom: boolean; subject: string; text: string; html: string | null }[];
  fields: { name: string; description: string }[];
}

export async function getPageNotifications(ctx: AppContext, caller: Caller, pageId: string): Promise<NotificationSettingsView> {
  const page = await pageFor(ctx.db, caller, pageId, "see");
  const [settings, custom] = await Promise.all([findNotificationSettings(ctx.db, caller.accountId, page.id), listTemplates(ctx.db, caller.accountId, page.id)]);
  const templates = TEMPLATE_KINDS.flatMap((kind) =>
    AUDIENCES.map((audience) => {
      const c = custom.find((t) => t.kind === kind && t.audience === audience);
      const d = DEFAULT_TEMPLATES[audience][kind];
      return c
        ? { kind, audience, custom: true, subject: c.subject, text: c.body_text, html: c.body_html }
        : { kind, audience, custom: false, subject: d.subject, text: d.text, html: null };
    }),
  );
  return {
    enabled: Object.fromEntries(TEMPLATE_KINDS.map((k) => [k, !settings.disabledKinds.includes(k)])) as Record<TemplateKind, boolean>,
    reminderHours: settings.reminderHours,
    followUpHours: settings.followUpHours,
    templates,
    fields: TEMPLATE_FIELD_LIST.map((name) => ({ name, description: TEMPLATE_FIELDS[name] })),
  };
}

export interface NotificationSettingsInput {
  enabled?: Partial<Record<TemplateKind, boolean>>;
  reminderHours?: number;
  followUpHours?: number;
}

export async function changePageNotifications(ctx: AppContext, caller: Caller, pageId: string, input: NotificationSettingsInput): Promise<NotificationSettingsView> {
  const page = await pageFor(ctx.db, caller, pageId, "edit");
  const now = await findNotificationSettings(ctx.db, caller.accountId, page.id);
  const disabled = new Set(now.disabledKinds);
  for (const [kind, on] of Object.entries(input.enabled ?? {})) on ? disabled.delete(kind) : disabled.add(kind);
  await saveNotificationSettings(ctx.db, caller.accountId, page.id, {
    disabledKinds: TEMPLATE_KINDS.filter((k) => disabled.has(k)),
    reminderHours: input.reminderHours ?? now.reminderHours,
    followUpHours: input.followUpHours ?? now.followUpHours,
  }, ctx.clock.now());
  return getPageNotifications(ctx, caller, page.id);
}

/** Refuses a template naming a field that is not a dynamic field (422, the field named). */
export function assertKnownFields(t: TemplateText): void {
  for (const [part, text] of [["subject", t.subject], ["text", t.text], ["html", t.html ?? ""]] as const) {
    const bad = unknownFields(text);
    if (bad.length > 0) {
      throw new DomainError("unprocessable", `The template's ${part} uses {{${bad[0]}}}, which is not a dynamic field. Known fields: ${TEMPLATE_FIELD_LIST.join(", ")}.`, {
        field: part, unknownField: bad[0], unknownFields: bad,
      });
    }
  }
}

export async function saveCustomTemplate(ctx: AppContext, caller: Caller, pageId: string, kind: TemplateKind, audience: Audience, t: TemplateText): Promise<NotificationSettingsView> {
  const page = await pageFor(ctx.db, caller, pageId, "edit");
  assertKnownFields(t);
  await saveTemplate(ctx.db, { accountId: caller.accountId, pageId: page.id, kind, audience, subject: t.subject, text: t.text, html: t.html ?? null, at: ctx.clock.now() });
  return getPageNotifications(ctx, caller, page.id);
}

export async function resetTemplate(ctx: AppContext, caller: Caller, pageId: string, kind: TemplateKind, audience: Audience): Promise<NotificationSettingsView> {
  const page = await pageFor(ctx.db, caller, pageId, "edit");
  await deleteTemplate(ctx.db, caller.accountId, page.id, kind, audience);
  return getPageNotifications(ctx, caller, page.id);
}

/** Seed-style sample IDs, for previews without an activity. */
const SAMPLE = { booking: "BKNG-5XFL23BQ674G", package: "PKG-UTKFVR26JN", transaction: "TXN-1234DF56" };

/**
 * Renders a template (the one given, the page's custom one, or the default) with a real
 * activity's data or sample data. Links are shown as placeholders: a preview never mints a
 * customer's manage link.
 */
export async function previewTemplate(
  ctx: AppContext, caller: Caller, pageId: string,
  input: { kind: TemplateKind; audience: Audience; template?: TemplateText; activityId?: string },
): Promise<RenderedMessage & { custom: boolean }> {
  const page = await pageFor(ctx.db, caller, pageId, "see");
  if (input.template) assertKnownFields(input.template);
  const stored = input.template ? undefined : await findTemplate(ctx.db, caller.accountId, page.id, input.kind, input.audience);
  const template: TemplateText = input.template ?? (stored ? { subject: stored.subject, text: stored.body_text, html: stored.body_html } : DEFAULT_TEMPLATES[input.audience][input.kind]);
  const account = await findAccount(ctx.db, caller.accountId);
  const base = ctx.publicUrl.replace(/\/$/, "");
  const zone = input.audience === "host" ? caller.timeZone : page.time_zone;
  const start = new Date(ctx.clock.now().getTime() + 2 * 86_400_000);
  start.setUTCMinutes(0, 0, 0);
  let values: FieldValues = {
    "booking.id": SAMPLE.booking, "package.id": "", "transaction.id": SAMPLE.transaction, "transaction.amount": "50.00 USD",
    "transaction.type": "PAYMENT (SCHEDULE)", "customer.name": "Annette Customer", "customer.email": "annette@example.com",
    "host.name": caller.name, "previousHost.name": "", "page.name": page.name, "event.name": "", "account.name": account?.name ?? "",
    "time.start": formatTime(start, zone), "time.end": formatTime(new Date(start.getTime() + page.duration_minutes * 60_000), zone),
    "time.previousStart": "", "time.zone": zone, "time.sessions": `- ${formatTime(start, zone)}`,
    location: page.location ?? "", videoLink: page.video_link ?? "", reason: "Something came up", status: "Scheduled (By customer)",
    "link.manage": `${base}/manage/(the customer's link)`, "link.activity": `${base}/activities?open=${SAMPLE.booking}`,
    "link.invoice": `${base}/api/v1/public/manage/(the customer's link)/invoices/${SAMPLE.transaction}`,
  };
  if (input.activityId) {
    const a = await findActivity(ctx.db, caller.accountId, input.activityId);
    const vis = await visibilityOf(ctx.db, caller);
    if (!a || !canSee(vis, a)) throw notFound("Activity", input.activityId);
    const host = a.owner_id ? await findUser(ctx.db, caller.accountId, a.owner_id) : undefined;
    const recipientZone = input.audience === "host" ? (host?.time_zone ?? zone) : (a.customer_time_zone ?? zone);
    const packageId = a.type === "booking" ? await findPackageIdOf(ctx.db, caller.accountId, a.id) : undefined;
    values = {
      ...values,
      "booking.id": a.type === "booking" ? a.id : "", "package.id": a.type === "package" ? a.id : (packageId ?? ""),
      "transaction.id": a.type === "transaction" ? a.id : "",
      "customer.name": a.customer_name ?? "", "customer.email": a.customer_email ?? "", "host.name": host?.name ?? a.owner_name ?? "",
      "time.start": formatTime(a.start_at, recipientZone), "time.end": formatTime(a.end_at, recipientZone), "time.zone": recipientZone,
      "time.sessions": a.start_at ? `- ${formatTime(a.start_at, recipientZone)}` : "", reason: a.reason ?? "", status: a.detailed_status,
      "link.activity": `${base}/activities?open=${a.id}`,
    };
  }
  const rendered = renderTemplate(template, values, { isDefault: !input.template && !stored, isPackage: values["booking.id"] === "" && values["package.id"] !== "" });
  return { ...rendered, custom: !!(input.template || stored) };
}
