import { useEffect, useState } from "react";
import { useHostFreeTimes } from "../api/free-times";
import { checkStart, localDate, today, type HostFreeTimes, type StartCheck } from "./host-time";

export interface HostTime {
  /** The host's zone once the API has named it; until then `guessZone`. */
  zone: string;
  host: HostFreeTimes["host"] | null;
  /** The day the picker shows (the host's local date) and how to move it. */
  shown: string;
  show: (date: string | null) => void;
  view: ReturnType<typeof useHostFreeTimes>;
  /** The chosen start's day, and the mark on the start (null while its day loads, or no start). */
  startDay: HostFreeTimes | null;
  check: StartCheck | null;
  /** The start's day could not be loaded (the picker says why): nothing to mark it against. */
  failed: boolean;
}

/**
 * The host's calendar around a chosen start, for the approve and reschedule dialogs: the day the
 * picker shows (the start's day unless the user moved to another), and the start's own day to mark
 * the start against. The host's zone is learnt from the first answer; days before that are worked
 * out in `guessZone` (the user's) and corrected once it is known. Nothing is fetched unless `enabled`.
 */
export function useHostTime(activityId: string, eventTypeId: string | undefined, start: string, guessZone: string, anchor?: string, enabled = true): HostTime {
  const [learnt, setLearnt] = useState<string | null>(null);
  const [picked, setPicked] = useState<string | null>(null);
  const zone = learnt ?? guessZone;
  const startDate = start ? localDate(start, zone) : null;
  const first = today(zone);
  const anchorDate = anchor && Date.parse(anchor) > Date.now() ? localDate(anchor, zone) : first;
  const shown = picked ?? (startDate && startDate >= first ? startDate : anchorDate);
  const view = useHostFreeTimes(activityId, enabled ? shown : null, eventTypeId);
  const own = useHostFreeTimes(activityId, enabled ? startDate : null, eventTypeId);
  const named = view.data?.host.timeZone ?? own.data?.host.timeZone ?? null;
  useEffect(() => {
    if (named && named !== learnt) setLearnt(named);
  }, [named, learnt]);
  const startDay = learnt && own.data && own.data.date === startDate ? own.data : null;
  let check: StartCheck | null = null;
  if (start && Date.parse(start) <= Date.now()) check = "past";
  else if (start && startDay) check = checkStart(start, startDay);
  return { zone, host: view.data?.host ?? own.data?.host ?? null, shown, show: setPicked, view, startDay, check, failed: own.isError };
}
