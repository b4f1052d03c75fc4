import { customerStatus } from "../../../src/domain/customer-status";
import { ApiError } from "../api/client";

/**
 * What customers read: the state of their booking and what went wrong, in plain words. Server
 * validation text ("params.token: Too small…", "customer.email: Invalid email address") is for
 * developers and never reaches a customer page.
 */

const GLYPH = { success: "●", info: "◆", warning: "▲", danger: "■", neutral: "○" } as const;

/** The booking's state as a badge: "Confirmed", "Waiting for approval", "Canceled"… */
export function CustomerStatusBadge({ detailedStatus }: { detailedStatus: string }) {
  const { label, tone } = customerStatus(detailedStatus);
  return (
    <span className={`badge tone-${tone}`} data-testid="customer-status">
      <span aria-hidden="true" className="badge-glyph">
        {GLYPH[tone]}
      </span>
      {label}
    </span>
  );
}

/** A page's first answer failed because the link or the page's name is wrong (not found, or not even well-formed). */
export const isMissingPage = (err: unknown) => err instanceof ApiError && (err.status === 404 || (err.status === 400 && err.code === "validation_failed"));

/** The form fields customers fill in, by the name the API gives them. */
const FIELD_WORDS: [RegExp, string][] = [
  [/(^|\.)email$/, "Please enter a valid e-mail address."],
  [/(^|\.)name$/, "Please enter your name."],
  [/(^|\.)phone$/, "Please check the phone number."],
  [/(^|\.)answers\b/, "Please answer every required question."],
  [/(^|\.)timeZone$/, "Please choose your time zone again."],
  [/(^|\.)reason$/, "Please shorten the reason."],
];

/**
 * The sentence a customer sees when an action fails. The server's 409/422 messages about the
 * booking itself (a policy deadline, a state that no longer allows the change) are written for
 * people and kept; anything about the request's shape is put in plain words.
 */
export function customerProblem(err: unknown): string {
  if (!(err instanceof ApiError)) return "Something went wrong. Please try again.";
  if (err.status === 0) return err.message;
  if (err.status === 400) {
    const field = String(err.details.field ?? "");
    return FIELD_WORDS.find(([re]) => re.test(field))?.[1] ?? "Something in the form was not accepted. Please check your details and try again.";
  }
  if (err.status === 404) return "This booking page or booking no longer exists.";
  if (err.status === 429) return "Too many attempts. Please wait a minute and try again.";
  if (err.status === 409 || err.status === 422) return err.message;
  return "Something went wrong on our side. Please try again in a moment.";
}
