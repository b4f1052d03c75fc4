import type { CustomerDetails, ManageView } from "./public";
import { api } from "./client";

/**
 * Paying at PayPal (src/http/routes/checkout-routes.ts): start a checkout (the time is held while
 * the customer is at PayPal), come back to complete or abandon it. Creating POSTs carry an
 * Idempotency-Key, so a repeated click or a reload answers the first result instead of paying twice.
 */
export interface MoneyView {
  value: string;
  currency: string;
  minor: number;
}

export interface CheckoutStarted {
  checkoutId: string;
  approveUrl: string;
  amount: MoneyView;
  expiresAt: string;
}

export interface CheckoutCompleted {
  state: "completed";
  checkoutId: string;
  bookingId?: string | null;
  packageId?: string | null;
  transactionId: string | null;
  transactionType: string | null;
  paidFor: string | null;
  activity?: ManageView;
  manageLink?: string;
  sessions?: { activityId: string; start: string; end: string; manageLink: string; manageToken: string }[];
  /** An invoice link, when the server offers one (the invoices work adds it). */
  invoiceUrl?: string | null;
  invoiceLink?: string | null;
}

export interface CheckoutView {
  id: string;
  state: string;
  purpose: string;
  bookingPage: { name: string; slug: string };
  starts: string[];
  durationMinutes: number;
  amount: MoneyView;
  expiresAt: string;
  bookingId: string | null;
  packageId: string | null;
  transactionId: string | null;
}

const enc = encodeURIComponent;
const idem = (key: string) => ({ "Idempotency-Key": key });

export const startCheckout = (
  slug: string,
  body: { start?: string; starts?: string[]; customer: CustomerDetails; answers?: Record<string, string>; eventTypeId?: string; hostId?: string },
  key: string,
) => api<CheckoutStarted>(`/api/v1/public/pages/${enc(slug)}/checkouts`, { method: "POST", body, headers: idem(key) });

export const startRescheduleCheckout = (token: string, body: { start: string; eventTypeId?: string }, key: string) =>
  api<CheckoutStarted>(`/api/v1/public/manage/${enc(token)}/reschedule-checkout`, { method: "POST", body, headers: idem(key) });

export const checkoutStatus = (id: string) => api<CheckoutView>(`/api/v1/public/checkouts/${enc(id)}`);

export const completeCheckout = (id: string, orderId: string | undefined, key: string) =>
  api<CheckoutCompleted>(`/api/v1/public/checkouts/${enc(id)}/complete`, { method: "POST", body: orderId ? { orderId } : {}, headers: idem(key) });

export const abandonCheckout = (id: string) => api<{ state: string }>(`/api/v1/public/checkouts/${enc(id)}/cancel`, { method: "POST", body: {} });

/**
 * What this tab remembers about a checkout it started (sessionStorage: gone with the tab): the
 * manage link of a booking being rescheduled, and the key that makes completing it repeatable.
 */
interface Remembered {
  manageToken?: string;
  completeKey?: string;
}

const storeKey = (id: string) => `bookstream.checkout.${id}`;

export function rememberCheckout(id: string, r: Remembered) {
  try {
    sessionStorage.setItem(storeKey(id), JSON.stringify({ ...recallCheckout(id), ...r }));
  } catch {
    /* storage off: the return page still completes, without the extras */
  }
}

export function recallCheckout(id: string): Remembered {
  try {
    return JSON.parse(sessionStorage.getItem(storeKey(id)) ?? "{}") as Remembered;
  } catch {
    return {};
  }
}

/** A fresh idempotency key (one per attempt the customer makes). */
export const newKey = () => (crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`);
