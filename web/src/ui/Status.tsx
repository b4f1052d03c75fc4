import { STATUS_TONE } from "../../../src/domain/lifecycle";

type Tone = "info" | "success" | "warning" | "danger" | "neutral";

/** Package and transaction statuses, next to the booking statuses the lifecycle defines. */
const OTHER_TONES: Record<string, Tone> = { Created: "success", Updated: "info", Paid: "success", Pending: "warning", Refunded: "neutral", "Refund pending": "warning" };

export const toneOf = (status: string): Tone => (STATUS_TONE as Record<string, Tone>)[status] ?? OTHER_TONES[status] ?? "neutral";

const GLYPH: Record<Tone, string> = { success: "●", info: "◆", warning: "▲", danger: "■", neutral: "○" };

/** The status with a colour, a shape and always its name: colour is never the only cue. */
export function StatusBadge({ status }: { status: string }) {
  const tone = toneOf(status);
  return (
    <span className={`badge tone-${tone}`}>
      <span aria-hidden="true" className="badge-glyph">
        {GLYPH[tone]}
      </span>
      {status}
    </span>
  );
}

const ICONS: Record<string, { label: string; path: string }> = {
  booking: { label: "Booking", path: "M7 3v3M17 3v3M4 9h16M5 5h14a1 1 0 0 1 1 1v13a1 1 0 0 1-1 1H5a1 1 0 0 1-1-1V6a1 1 0 0 1 1-1Z" },
  package: { label: "Session package", path: "M3 8l9-5 9 5-9 5-9-5Zm0 4 9 5 9-5M3 16l9 5 9-5" },
  transaction: { label: "Transaction", path: "M3 7h18v10H3zM3 11h18M7 15h3" },
};

export function TypeIcon({ type }: { type: string }) {
  const icon = ICONS[type] ?? { label: type, path: "M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18Z" };
  return (
    <span className={`type-icon type-${type}`} role="img" aria-label={icon.label} title={icon.label}>
      <svg viewBox="0 0 24 24" width="20" height="20" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
        <path d={icon.path} />
      </svg>
    </span>
  );
}
