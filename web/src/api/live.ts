import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { keys } from "./queries";
import { refreshStreamRows } from "./stream-cache";

export type LiveState = "connecting" | "live" | "reconnecting";

/**
 * Subscribes to /api/v1/live while signed in: changed activities are merged into the open
 * streams and their details refetched, within a second or two, without a reload.
 */
export function useLiveUpdates(enabled: boolean): LiveState {
  const qc = useQueryClient();
  const [state, setState] = useState<LiveState>("connecting");
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (!enabled || typeof EventSource === "undefined") return;
    const source = new EventSource("/api/v1/live");
    let pending = new Set<string>();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let wasLive = false;
    const flush = () => {
      timer = undefined;
      const ids = [...pending];
      pending = new Set();
      for (const id of ids) void qc.invalidateQueries({ queryKey: keys.activity(id) });
      void refreshStreamRows(qc, ids);
    };
    source.addEventListener("activity", (e) => {
      try {
        const { id } = JSON.parse((e as MessageEvent).data) as { id: string };
        pending.add(id);
        timer ??= setTimeout(flush, 150);
      } catch {
        /* ignore malformed events */
      }
    });
    const resync = () => {
      void qc.invalidateQueries({ queryKey: ["stream"] });
      void qc.invalidateQueries({ queryKey: ["activity"] });
    };
    source.addEventListener("reset", resync);
    source.onopen = () => {
      // After a reconnect, changes may have been missed: refetch what is on screen.
      if (wasLive) resync();
      wasLive = true;
      setState("live");
    };
    let retry: ReturnType<typeof setTimeout> | undefined;
    source.onerror = () => {
      setState("reconnecting");
      // The browser retries by itself unless the server refused (e.g. 401): then start over later.
      if (source.readyState === EventSource.CLOSED) retry = setTimeout(() => setAttempt((n) => n + 1), 5_000);
    };
    return () => {
      clearTimeout(timer);
      clearTimeout(retry);
      source.close();
    };
  }, [enabled, qc, attempt]);
  return state;
}
