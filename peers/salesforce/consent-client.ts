/**
 * For tests without a browser: goes through the simulated consent page the way a person would —
 * opens the authorize URL, picks the user (by username; default the first listed) and presses
 * "Allow" (or "Deny") — and returns the callback URL Salesforce redirects to (with `code` and
 * `state`, or `error`).
 */
const unescape = (s: string) =>
  s.replace(/&(amp|lt|gt|quot|#39);/g, (_, e: string) => ({ amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'" })[e]!);

export async function approveAuthorization(authorizeUrl: string, opts: { username?: string; decision?: "allow" | "deny" } = {}): Promise<URL> {
  const pageResponse = await fetch(authorizeUrl, { redirect: "manual" });
  if (pageResponse.status === 302) return new URL(pageResponse.headers.get("location")!);
  const html = await pageResponse.text();
  if (pageResponse.status !== 200) throw new Error(`authorize page answered ${pageResponse.status}: ${html.replace(/<[^>]+>/g, " ").trim()}`);
  const form = new URLSearchParams();
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) form.set(m[1], unescape(m[2]));
  if (opts.username) form.set("username", opts.username);
  else form.set("user_id", /<option value="([^"]+)"[^>]*selected/.exec(html)?.[1] ?? "");
  form.set("decision", opts.decision ?? "allow");
  const decided = await fetch(new URL("/services/oauth2/authorize", authorizeUrl), {
    method: "POST", body: form, redirect: "manual", headers: { "content-type": "application/x-www-form-urlencoded" },
  });
  if (decided.status !== 302) throw new Error(`consent answered ${decided.status}: ${(await decided.text()).replace(/<[^>]+>/g, " ").trim()}`);
  return new URL(decided.headers.get("location")!);
}
