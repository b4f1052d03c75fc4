import type { PublicBusiness } from "../public/brand";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { z } from "zod";
import type { ManageView as ManageViewSchema } from "../../../src/http/schemas";
import type { Question as QuestionSchema } from "../../../src/http/scheduling-schemas";
import { api } from "./client";

/**
 * The customer's side of the API (no sign-in): booking pages, free slots, booking, requests,
 * packages, master pages and the manage link. Shapes come from the server's schemas where they are
 * exported; the rest mirror src/http/routes/public-*.ts.
 */
export type ManageView = z.infer<typeof ManageViewSchema>;
export type Question = z.infer<typeof QuestionSchema>;

export interface PublicPage {
  slug: string;
  name: string;
  timeZone: string;
  mode: "automatic" | "approval";
  durationMinutes: number;
  location: string | null;
  openHours: Record<string, [string, string][]>;
  eventTypes: { id: string; name: string; durationMinutes: number }[];
  /** The business's name, logo and colour (account settings). */
  business?: PublicBusiness;
  /** What booking here costs (decimal strings in the currency); null: free. */
  prices?: PagePrices | null;
}

export interface PagePrices {
  currency: string;
  price: string | null;
  eventTypePrices: Record<string, string | null>;
  packageSessionPrice: string | null;
  rescheduleFee: string | null;
  refundPolicy: "none" | "automatic";
}

export interface SchedulingInfo {
  questions: Question[];
  proposalsRequired: number;
  minNoticeMinutes: number;
  maxDaysAhead: number | null;
  policyMinutes: number | null;
  packagesEnabled: boolean;
  maxPackageSessions: number;
  hosts: { id: string; name: string }[];
}

export interface Slot {
  /** In the asked zone, with its offset: the first 10 characters are the local date. */
  start: string;
  end: string;
  startUtc: string;
}

export interface SlotsAnswer {
  bookingPage: { slug: string; name: string; timeZone: string };
  timeZone: string;
  durationMinutes: number;
  slots: Slot[];
}

export interface CustomerDetails {
  name: string;
  email: string;
  phone?: string;
  timeZone?: string;
}

export interface Created {
  activity: ManageView;
  manageLink: string;
}

export interface PackageCreated {
  package: { id: string; status: "Created" };
  sessions: Created[];
}

export interface MasterPage {
  business?: PublicBusiness;
  slug: string;
  name: string;
  routing: "round_robin" | "customer_choice";
  targets: { id: string; label: string; bookingPageSlug: string }[];
}

export interface MasterRoute {
  targetId: string;
  label: string;
  bookingPage: { slug: string; name: string };
  hostId: string | null;
}

const enc = encodeURIComponent;
const page = (slug: string) => `/api/v1/public/pages/${enc(slug)}`;
const manage = (token: string) => `/api/v1/public/manage/${enc(token)}`;

export interface SlotsQuery {
  slug: string;
  from: string;
  to: string;
  timeZone: string;
  eventTypeId?: string;
  hostId?: string;
  /** Moving the booking behind this manage link: the server keeps its host on its own page. */
  manageToken?: string;
}

export const publicKeys = {
  page: (slug: string) => ["public-page", slug.toLowerCase()] as const,
  scheduling: (slug: string) => ["public-scheduling", slug.toLowerCase()] as const,
  slots: (q: SlotsQuery) => ["public-slots", q.slug.toLowerCase(), q.from, q.to, q.timeZone, q.eventTypeId ?? "", q.hostId ?? "", q.manageToken ?? ""] as const,
  manage: (token: string) => ["manage", token] as const,
  master: (slug: string) => ["master-page", slug.toLowerCase()] as const,
};

/**
 * Answers started before React renders (a first visit to /book/:slug), each taken once by the
 * query with the same key: the page, its rules and its first week of slots are asked for at once,
 * instead of one after the other as components mount.
 */
const early = new Map<string, Promise<unknown>>();
function take<T>(key: readonly unknown[], start: () => Promise<T>): Promise<T> {
  const k = JSON.stringify(key);
  const p = early.get(k);
  if (!p) return start();
  early.delete(k);
  return p as Promise<T>;
}
function keep(key: readonly unknown[], p: Promise<unknown>) {
  p.catch(() => undefined); // a failure shows when the query asks again
  early.set(JSON.stringify(key), p);
}

/**
 * Starts a booking page's requests; `firstWeek` (the customer's zone and this week: the slots they
 * see first) is worked out while the page is on its way, and the slots are asked for as it lands.
 */
export function preloadBookingPage(slug: string, firstWeek: () => Omit<SlotsQuery, "slug" | "eventTypeId">) {
  const pageAnswer = api<PublicPage>(page(slug));
  keep(publicKeys.page(slug), pageAnswer);
  keep(publicKeys.scheduling(slug), api<SchedulingInfo>(`${page(slug)}/scheduling`));
  const week = firstWeek();
  pageAnswer.then(
    (p) => {
      const q: SlotsQuery = { slug, ...week, eventTypeId: p.eventTypes[0]?.id };
      keep(publicKeys.slots(q), fetchSlots(q));
    },
    () => undefined,
  );
}

export function fetchSlots(q: SlotsQuery, signal?: AbortSignal) {
  const qs = new URLSearchParams({ from: q.from, to: q.to, timeZone: q.timeZone });
  if (q.eventTypeId) qs.set("eventTypeId", q.eventTypeId);
  if (q.manageToken) {
    qs.set("pageSlug", q.slug);
    return api<SlotsAnswer>(`${manage(q.manageToken)}/slots?${qs}`, { signal });
  }
  if (q.hostId) qs.set("hostId", q.hostId);
  return api<SlotsAnswer>(`${page(q.slug)}/slots?${qs}`, { signal });
}

export const usePublicPage = (slug: string | undefined) =>
  useQuery({
    queryKey: publicKeys.page(slug ?? ""),
    queryFn: ({ signal }) => take(publicKeys.page(slug!), () => api<PublicPage>(page(slug!), { signal })),
    enabled: Boolean(slug),
    staleTime: 60_000,
    retry: false,
  });

export const useSchedulingInfo = (slug: string | undefined) =>
  useQuery({
    queryKey: publicKeys.scheduling(slug ?? ""),
    queryFn: ({ signal }) => take(publicKeys.scheduling(slug!), () => api<SchedulingInfo>(`${page(slug!)}/scheduling`, { signal })),
    enabled: Boolean(slug),
    staleTime: 60_000,
    retry: false,
  });

/** One week of free slots; the previous week stays on screen (dimmed) while the next loads. */
export const useSlots = (q: SlotsQuery | null) =>
  useQuery({
    queryKey: q ? publicKeys.slots(q) : ["public-slots", "none"],
    queryFn: ({ signal }) => take(publicKeys.slots(q!), () => fetchSlots(q!, signal)),
    enabled: q !== null,
    staleTime: 15_000,
    placeholderData: keepPreviousData,
  });

export const bookSlot = (slug: string, body: { start: string; customer: CustomerDetails; answers?: Record<string, string>; eventTypeId?: string; hostId?: string }) =>
  api<Created>(`${page(slug)}/bookings`, { method: "POST", body });

export const requestTimes = (slug: string, body: { proposedTimes: string[]; customer: CustomerDetails; answers?: Record<string, string>; eventTypeId?: string }) =>
  api<Created>(`${page(slug)}/requests`, { method: "POST", body });

export const bookPackage = (slug: string, body: { starts: string[]; customer: CustomerDetails; answers?: Record<string, string>; eventTypeId?: string; hostId?: string }) =>
  api<PackageCreated>(`${page(slug)}/packages`, { method: "POST", body });

/** The booking behind a manage link (one query per token; the confirmation page asks for several at once). */
export const manageViewQuery = (token: string) => ({
  queryKey: publicKeys.manage(token),
  queryFn: ({ signal }: { signal?: AbortSignal }) => api<ManageView>(manage(token), { signal }),
  retry: false,
});

export const useManageView = (token: string) => useQuery(manageViewQuery(token));

export const cancelBooking = (token: string, reason?: string) => api<ManageView>(`${manage(token)}/cancel`, { method: "POST", body: reason ? { reason } : {} });

export const rescheduleBooking = (token: string, body: { start?: string; pageSlug?: string; eventTypeId?: string; proposedTimes?: string[] }) =>
  api<{ activity: ManageView; manageLink: string | null }>(`${manage(token)}/reschedule`, { method: "POST", body });

export const resubmitTimes = (token: string, proposedTimes: string[]) => api<Created>(`${manage(token)}/resubmit`, { method: "POST", body: { proposedTimes } });

export const useMasterPage = (slug: string) =>
  useQuery({ queryKey: publicKeys.master(slug), queryFn: ({ signal }) => api<MasterPage>(`/api/v1/public/master-pages/${enc(slug)}`, { signal }), retry: false });

export const routeMasterPage = (slug: string, targetId?: string) =>
  api<MasterRoute>(`/api/v1/public/master-pages/${enc(slug)}/route`, { method: "POST", body: targetId ? { targetId } : {} });

/** The token at the end of a manage link (…/manage/{token}). */
export const tokenOf = (manageLink: string) => manageLink.slice(manageLink.lastIndexOf("/") + 1);
