import { useQuery } from "@tanstack/react-query";
import type { z } from "zod";
import type { Customer as CustomerSchema } from "../../../src/http/scheduling-schemas";
import { api } from "./client";
import type { ActivityDetails } from "./types";

/** "Schedule on behalf": find a time (team members free then), customer records, booking for a customer. */
export type Customer = z.infer<typeof CustomerSchema>;

export interface PageRef {
  id: string;
  name: string;
  slug: string;
}

export interface FreeMember {
  userId: string;
  name: string;
  timeZone: string;
  bookingsThatDay: number;
  /** Pages to schedule them on. */
  bookingPages: PageRef[];
}

export interface FindATimeAnswer {
  start: string;
  end: string;
  durationMinutes: number;
  bookingPage: PageRef | null;
  /** Best first. */
  members: FreeMember[];
  unavailable: { userId: string; name: string; reason: "outside_hours" | "busy" }[];
}

export interface FindATimeQuery {
  start: string;
  bookingPageId?: string;
  eventTypeId?: string;
}

export const findATime = (q: FindATimeQuery, signal?: AbortSignal) => {
  const qs = new URLSearchParams({ start: q.start });
  if (q.bookingPageId) qs.set("bookingPageId", q.bookingPageId);
  if (q.eventTypeId) qs.set("eventTypeId", q.eventTypeId);
  return api<FindATimeAnswer>(`/api/v1/find-a-time?${qs}`, { signal });
};

export const useFindATime = (q: FindATimeQuery | null) =>
  useQuery({ queryKey: ["find-a-time", q], queryFn: ({ signal }) => findATime(q!, signal), enabled: q !== null, staleTime: 0, retry: false });

export const useCustomerSearch = (q: string) =>
  useQuery({
    queryKey: ["customers", q],
    queryFn: async ({ signal }) => (await api<{ items: Customer[] }>(`/api/v1/customers?q=${encodeURIComponent(q)}&limit=8`, { signal })).items,
    enabled: q.trim().length >= 2,
    staleTime: 30_000,
  });

export const useCustomer = (id: string | null) =>
  useQuery({
    queryKey: ["customer", id],
    queryFn: ({ signal }) => api<Customer>(`/api/v1/customers/${encodeURIComponent(id!)}`, { signal }),
    enabled: Boolean(id),
    retry: false,
  });

export interface OnBehalfBody {
  bookingPageId: string;
  start: string;
  ownerId: string;
  eventTypeId?: string;
  /** Book outside the host's hours knowingly (Find a time's "Schedule anyway"). */
  override?: boolean;
  customerId?: string;
  customer?: { name: string; email: string; phone?: string; timeZone?: string };
  /** Scheduled from a Salesforce Contact, Lead or Case (?sf=): the booking's Event goes on that record. */
  salesforceRecordId?: string;
}

export const scheduleOnBehalf = (body: OnBehalfBody) =>
  api<{ activity: ActivityDetails; manageLink: string }>("/api/v1/bookings", { method: "POST", body });
