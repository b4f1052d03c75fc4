import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "./client";

/** The signed-in user's own API tokens (never the tokens themselves, except once when made). */
export interface ApiTokenItem {
  id: string;
  name: string;
  createdAt: string;
  /** To the minute; null: never used. */
  lastUsedAt: string | null;
  /** null: never expires. */
  expiresAt: string | null;
}

// Not under "me": signing in keeps only the "me" query, and another user's tokens must not linger.
const tokensKey = ["my-api-tokens"] as const;

export const useMyTokens = () =>
  useQuery({ queryKey: tokensKey, queryFn: async ({ signal }) => (await api<{ items: ApiTokenItem[] }>("/api/v1/me/tokens", { signal })).items });

export function useTokenMutations() {
  const qc = useQueryClient();
  const refresh = () => qc.invalidateQueries({ queryKey: tokensKey });
  return {
    create: useMutation({
      mutationFn: (b: { name: string; expiresAt?: string }) => api<{ token: string; item: ApiTokenItem }>("/api/v1/me/tokens", { method: "POST", body: b }),
      onSuccess: refresh,
    }),
    revoke: useMutation({
      mutationFn: (id: string) => api<void>(`/api/v1/me/tokens/${encodeURIComponent(id)}`, { method: "DELETE" }),
      // A 404 means it was already revoked (elsewhere): the list is refreshed either way.
      onSettled: refresh,
    }),
  };
}
