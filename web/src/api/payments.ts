import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "./client";

/**
 * Payments in the back office: the account's PayPal connection (admins) and a booking page's prices
 * (mirroring src/http/routes/payment-routes.ts). Amounts are decimal strings in the currency.
 */
export interface PayPalConnection {
  connected: boolean;
  mode?: "sandbox" | "live";
  baseUrl?: string;
  clientId?: string;
  webhookId?: string | null;
  webhookUrl?: string;
  /** The base URL is not PayPal's own (the local PayPal of tests and the demo). */
  simulated?: boolean;
  connectedAt?: string;
  updatedAt?: string;
  webhookProblem?: string | null;
}

export interface PayPalConnectInput {
  mode: "sandbox" | "live";
  baseUrl?: string;
  clientId: string;
  clientSecret: string;
  webhookId?: string;
}

export interface PagePayments {
  bookingPageId: string;
  currency: string | null;
  price: string | null;
  packageSessionPrice: string | null;
  rescheduleFee: string | null;
  refundPolicy: "none" | "automatic";
  eventTypePrices: Record<string, string | null>;
  paypalConnected: boolean;
}

export type PagePaymentsInput = Omit<PagePayments, "bookingPageId" | "paypalConnected">;

const paypalKey = ["paypal-connection"] as const;
const pagePaymentsKey = (id: string) => ["page-payments", id] as const;

export const usePayPalConnection = (enabled = true) => useQuery({ queryKey: paypalKey, queryFn: () => api<PayPalConnection>("/api/v1/account/paypal"), enabled });

export function usePayPalMutations() {
  const qc = useQueryClient();
  const put = (c: PayPalConnection) => qc.setQueryData(paypalKey, c);
  return {
    connect: useMutation({ mutationFn: (b: PayPalConnectInput) => api<PayPalConnection>("/api/v1/account/paypal", { method: "PUT", body: b }), onSuccess: put }),
    setWebhook: useMutation({ mutationFn: (webhookId: string) => api<PayPalConnection>("/api/v1/account/paypal", { method: "PATCH", body: { webhookId } }), onSuccess: put }),
    test: useMutation({ mutationFn: () => api<{ ok: boolean; message: string }>("/api/v1/account/paypal/test", { method: "POST", body: {} }) }),
    disconnect: useMutation({ mutationFn: () => api<void>("/api/v1/account/paypal", { method: "DELETE" }), onSuccess: () => qc.setQueryData(paypalKey, { connected: false }) }),
  };
}

export const usePagePayments = (pageId: string) => useQuery({ queryKey: pagePaymentsKey(pageId), queryFn: () => api<PagePayments>(`/api/v1/booking-pages/${pageId}/payments`) });

export function useSavePagePayments(pageId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (b: PagePaymentsInput) => api<PagePayments>(`/api/v1/booking-pages/${pageId}/payments`, { method: "PUT", body: b }),
    onSuccess: (p) => qc.setQueryData(pagePaymentsKey(pageId), p),
  });
}
