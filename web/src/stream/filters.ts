import { DateTime } from "luxon";
import type { FilterQuery } from "../api/types";

/**
 * The stream's filter state lives in the URL (bookmarkable, shareable). Dates are calendar days
 * in the user's time zone; the API gets exact instants. Built-in views are presets that the
 * explicit filters refine (an explicit value replaces the view's for the same field).
 */
export const VIEWS = {
  all: { label: "All activities" },
  today: { label: "Today's meetings" },
  upcoming: { label: "Upcoming meetings" },
  requests: { label: "Booking requests" },
  // Admins only (the API refuses members): the seed's "Trash filter", what was moved there in the last 30 days.
  trash: { label: "Trash" },
} as const;
export type ViewName = keyof typeof VIEWS;

/** The views a user is offered: the Trash is for admins. */
export const viewsFor = (isAdmin: boolean): ViewName[] => (Object.keys(VIEWS) as ViewName[]).filter((v) => v !== "trash" || isAdmin);

/** The stream's orders (the API's `sort`), as the sort control names them. */
export const SORTS = {
  updated: "Last updated",
  start: "Meeting time, soonest first",
  "-start": "Meeting time, latest first",
  created: "Created, newest first",
  trashed: "Moved to Trash, newest first",
} as const;
export type SortName = keyof typeof SORTS;

/** The orders a view offers: "Moved to Trash" orders the Trash only. */
export const sortsFor = (view: ViewName): SortName[] => (Object.keys(SORTS) as SortName[]).filter((k) => k !== "trashed" || view === "trash");

/**
 * The order a view reads in unless the user picks another: meetings by their time, the Trash by
 * when things were moved there (newest first), the rest last updated first.
 */
export const viewSort = (view: ViewName): SortName => (view === "upcoming" || view === "today" ? "start" : view === "trash" ? "trashed" : "updated");
/** The order the stream is in: the one picked, else the view's. */
export const sortOf = (f: Filters): SortName => f.sort || viewSort(f.view);

export const LIST_FIELDS = ["type", "status", "detailedStatus", "bookingPageId", "eventTypeId", "ownerId"] as const;
export const DATE_FIELDS = ["startFrom", "startTo", "createdFrom", "createdTo"] as const;
type ListField = (typeof LIST_FIELDS)[number];
type DateField = (typeof DATE_FIELDS)[number];

/** `sort` is "" for the view's own order (only another choice lands in the URL). */
export type Filters = { view: ViewName; q: string; customerId: string; customerName: string; sort: SortName | "" } & Record<ListField, string[]> & Record<DateField, string>;

/** URL parameters that are not filters (the open activity, the chosen saved filter). */
export const UI_PARAMS = ["open", "saved"] as const;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function parseFilters(search: URLSearchParams): Filters {
  const list = (k: string) => search.getAll(k).flatMap((v) => (k === "detailedStatus" ? [v] : v.split(","))).map((v) => v.trim()).filter(Boolean);
  const view = search.get("view") as ViewName | null;
  // A day that exists ("2026-02-30" has the shape but is no day): anything else is no filter.
  const date = (k: string) => {
    const v = search.get(k) ?? "";
    return DAY.test(v) && DateTime.fromISO(v).isValid ? v : "";
  };
  const sort = search.get("sort") as SortName | null;
  const v: ViewName = view && view in VIEWS ? view : "all";
  return {
    view: v,
    sort: sort && sortsFor(v).includes(sort) && sort !== viewSort(v) ? sort : "",
    q: search.get("q") ?? "",
    customerId: search.get("customerId") ?? "",
    customerName: search.get("customerName") ?? "",
    ...(Object.fromEntries(LIST_FIELDS.map((k) => [k, list(k)])) as Record<ListField, string[]>),
    ...(Object.fromEntries(DATE_FIELDS.map((k) => [k, date(k)])) as Record<DateField, string>),
  };
}

/** The filter as URL parameters, in a stable order (detailed statuses repeat: they contain commas). */
export function filtersToSearch(f: Filters): URLSearchParams {
  const s = new URLSearchParams();
  if (f.view !== "all") s.set("view", f.view);
  for (const k of LIST_FIELDS) {
    if (!f[k].length) continue;
    if (k === "detailedStatus") f[k].forEach((v) => s.append(k, v));
    else s.set(k, f[k].join(","));
  }
  if (f.customerId) {
    s.set("customerId", f.customerId);
    if (f.customerName) s.set("customerName", f.customerName);
  }
  for (const k of DATE_FIELDS) if (f[k]) s.set(k, f[k]);
  if (f.q.trim()) s.set("q", f.q);
  if (f.sort && f.sort !== viewSort(f.view)) s.set("sort", f.sort);
  return s;
}

export const emptyFilters = (): Filters => parseFilters(new URLSearchParams());

export function toQuery(f: Filters): FilterQuery {
  const q: FilterQuery = {};
  for (const [k, v] of filtersToSearch(f)) {
    const prev = q[k];
    q[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return q;
}

export function fromQuery(q: FilterQuery): URLSearchParams {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) (Array.isArray(v) ? v : [v]).forEach((x) => s.append(k, x));
  return filtersToSearch(parseFilters(s));
}

/** How many filters are set beyond the view and the search text (the "Filters (3)" badge). */
export const countFilters = (f: Filters) => LIST_FIELDS.filter((k) => f[k].length).length + DATE_FIELDS.filter((k) => f[k]).length + (f.customerId ? 1 : 0);

/** The API query for these filters, in the user's zone, at `now`. `fixedType` pins the type (Packages tab). */
export function toApiParams(f: Filters, zone: string, now: Date, fixedType?: string): URLSearchParams {
  const p = new URLSearchParams();
  const today = DateTime.fromJSDate(now, { zone }).startOf("day");
  const preset: Partial<Record<string, string | string[]>> = {
    today: { type: "booking", startFrom: iso(today), startTo: iso(today.plus({ days: 1 })) },
    upcoming: { type: "booking", status: "Scheduled,Rescheduled", startFrom: iso(DateTime.fromJSDate(now).startOf("minute")) },
    requests: { type: "booking", status: "Requested" },
    trash: { trash: "true" },
    all: {},
  }[f.view] as Record<string, string>;
  for (const [k, v] of Object.entries(preset)) p.set(k, v as string);
  for (const k of LIST_FIELDS) {
    if (!f[k].length) continue;
    p.delete(k);
    if (k === "detailedStatus") f[k].forEach((v) => p.append(k, v));
    else p.set(k, f[k].join(","));
  }
  if (f.customerId) p.set("customerId", f.customerId);
  const day = (d: string, plusDays = 0) => iso(DateTime.fromISO(d, { zone }).startOf("day").plus({ days: plusDays }));
  if (f.startFrom) p.set("startFrom", day(f.startFrom));
  if (f.startTo) p.set("startTo", day(f.startTo, 1)); // "to" is inclusive: up to the end of that day
  if (f.createdFrom) p.set("createdFrom", day(f.createdFrom));
  if (f.createdTo) p.set("createdTo", day(f.createdTo, 1));
  if (f.q.trim()) p.set("q", f.q.trim());
  if (fixedType) p.set("type", fixedType);
  const sort = sortOf(f);
  if (sort !== "updated") p.set("sort", sort);
  p.sort();
  return p;
}

const iso = (d: DateTime) => d.toUTC().toISO({ suppressMilliseconds: true })!;
