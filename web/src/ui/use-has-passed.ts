import { useEffect, useState } from "react";

/** The longest wait setTimeout holds (about 24.8 days); a longer one re-arms itself. */
const MAX_TIMEOUT = 2 ** 31 - 1;

/**
 * Whether an instant has passed, turning true by itself when it does (no reload, no polling):
 * e.g. "Set to No-show" opens when a meeting shown in the details pane starts. No instant: true.
 */
export function useHasPassed(iso: string | null | undefined): boolean {
  const at = iso ? Date.parse(iso) : NaN;
  const [passed, setPassed] = useState(() => !(at > Date.now()));
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const arm = () => {
      const left = at - Date.now();
      if (!(left > 0)) return setPassed(true);
      setPassed(false);
      timer = setTimeout(arm, Math.min(left + 25, MAX_TIMEOUT));
    };
    arm();
    return () => clearTimeout(timer);
  }, [at]);
  return passed;
}
