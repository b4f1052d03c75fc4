import { useMutation, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { api } from "./client";
import { keys } from "./queries";

/** The Trash's moves (admins): in, out, and gone for good. The Trash itself is a view of the stream (`trash=true`). */
export interface PurgeResult {
  reportId: string | null;
  counts: Record<string, number>;
}

/** Everything a move in or out of the Trash changes: every stream (the Trash view is one), their counts, the activities' details. */
function refresh(qc: QueryClient, ids: string[], gone = false) {
  void qc.invalidateQueries({ queryKey: ["stream"] });
  void qc.invalidateQueries({ queryKey: ["stream-total"] });
  for (const id of ids) {
    if (gone) qc.removeQueries({ queryKey: keys.activity(id) });
    else void qc.invalidateQueries({ queryKey: keys.activity(id) });
  }
}

export type TrashAction = "move-to-trash" | "restore" | "delete-permanently";

/** One activity: move to Trash, restore, or delete permanently. */
export function useTrashAction() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, action }: { id: string; action: TrashAction }) =>
      api<unknown>(`/api/v1/activities/${encodeURIComponent(id)}/actions/${action}`, { method: "POST", body: {} }),
    onSuccess: (_r, { id, action }) => refresh(qc, [id], action === "delete-permanently"),
  });
}

/** Up to 50 at once, all or none. */
export function useMoveManyToTrash() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (ids: string[]) => api<{ moved: string[]; deletesAt: string }>("/api/v1/trash", { method: "POST", body: { ids } }),
    onSuccess: (r) => refresh(qc, r.moved),
  });
}

/** The Trash's Select mode: restore, or delete permanently, up to 50 at once, all or none. */
export function useTrashMany(action: "restore" | "delete-permanently") {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (ids: string[]) => api<{ restored: string[] } | PurgeResult>(`/api/v1/trash/${action}`, { method: "POST", body: { ids } }),
    onSuccess: (_r, ids) => refresh(qc, ids, action === "delete-permanently"),
  });
}

export function useEmptyTrash() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api<PurgeResult>("/api/v1/trash/empty", { method: "POST", body: {} }),
    onSuccess: () => refresh(qc, [], true),
  });
}
