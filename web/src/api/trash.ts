import { useMutation, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { api } from "./client";
import { keys } from "./queries";
import type { Activity } from "./types";

/** The Trash (admins): its list, and the moves in and out of it. */
export type TrashItem = Activity & { trash: NonNullable<Activity["trash"]> & { trashedBy: { id: string; name: string } | null } };
export interface TrashPage {
  items: TrashItem[];
  nextCursor: string | null;
  total: number;
  retentionDays: number;
}
export interface PurgeResult {
  reportId: string | null;
  counts: Record<string, number>;
}

export const trashKey = ["trash"] as const;

/** The Trash's first 200 (the API pages by 200 at most); `total` counts them all. */
export function useTrash(enabled = true) {
  return useQuery({ queryKey: trashKey, queryFn: ({ signal }) => api<TrashPage>("/api/v1/trash?limit=200", { signal }), enabled });
}

/** Everything a move in or out of the Trash changes: the streams, the Trash, the activities' details. */
function refresh(qc: QueryClient, ids: string[], gone = false) {
  void qc.invalidateQueries({ queryKey: ["stream"] });
  void qc.invalidateQueries({ queryKey: trashKey });
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

export function useEmptyTrash() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api<PurgeResult>("/api/v1/trash/empty", { method: "POST", body: {} }),
    onSuccess: () => refresh(qc, [], true),
  });
}
