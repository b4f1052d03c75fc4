/**
 * Links that are credentials: the path segment after /manage/ (the manage-link token), /invite/
 * (an invitation), /reset-password/ (a password reset link), /feeds/ (a private calendar feed) or
 * /checkout(s)/ (a checkout's return address, which hands out a fresh manage link for a day).
 * Request logs cut them from URLs; copies of sent e-mails handed out (a customer's data export)
 * cut them from the text.
 */
export const SECRET_LINK_SEGMENT = /(\/(?:manage|invite|reset-password|feeds|checkouts?)\/)[^/?#\s"'<>)]+/gi;

export const REDACTED = "[redacted]";

/** `text` with every credential link's secret segment replaced by "[redacted]". */
export function redactSecretLinks(text: string): string {
  return text.replace(SECRET_LINK_SEGMENT, `$1${REDACTED}`);
}
