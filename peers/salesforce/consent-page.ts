import { escapeHtml, type Answer } from "./http.js";
import type { ConnectedApp } from "./oauth.js";
import type { SfRecord } from "./store.js";

/**
 * The simulated login + "Allow Access?" page. A person (or a browser test) picks the Salesforce user
 * to log in as, or types a username, and presses "Allow" or "Deny"; the form posts back to the
 * authorize endpoint, which redirects to the app's callback.
 */
const SCOPE_TEXT: Record<string, string> = {
  api: "Manage user data via APIs (api)",
  refresh_token: "Perform requests at any time (refresh_token, offline_access)",
  offline_access: "Perform requests at any time (refresh_token, offline_access)",
  id: "Access the identity URL service (id, profile, email, address, phone)",
  full: "Full access (full)",
  web: "Manage user data via Web browsers (web)",
};

const STYLE = `body{font-family:system-ui,sans-serif;background:#f3f3f3;margin:0}main{max-width:28rem;margin:3rem auto;background:#fff;padding:2rem;border-radius:.5rem;box-shadow:0 1px 4px #0002}
h1{font-size:1.1rem;color:#0176d3;margin:0 0 1rem}h2{font-size:1.4rem;margin:.5rem 0}label{display:block;margin:1rem 0 .25rem;font-weight:600}
select,input{width:100%;padding:.5rem;box-sizing:border-box}.actions{display:flex;gap:.75rem;margin-top:1.5rem}button{padding:.6rem 1.4rem;border-radius:.25rem;border:1px solid #0176d3;font-size:1rem}
button[value=allow]{background:#0176d3;color:#fff}.note{color:#555;font-size:.85rem}.error{color:#b00;background:#fee;padding:.5rem}`;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} | Salesforce (simulated)</title><style>${STYLE}</style></head><body><main>${body}</main></body></html>`;
}

export function consentPage(o: { app: ConnectedApp; params: URLSearchParams; scope: string[]; users: SfRecord[]; loginHint: string | null; error?: string }): Answer {
  const hint = (o.loginHint ?? "").toLowerCase();
  const chosen = o.users.find((u) => [u.Username, u.Email].some((v) => String(v).toLowerCase() === hint)) ?? o.users[0];
  const options = o.users
    .map((u) => `<option value="${escapeHtml(String(u.Id))}"${u === chosen ? " selected" : ""}>${escapeHtml(`${u.Name} (${u.Username})`)}</option>`)
    .join("");
  const keep = ["client_id", "redirect_uri", "state", "scope", "response_type", "code_challenge", "code_challenge_method"]
    .filter((k) => o.params.get(k) !== null)
    .map((k) => `<input type="hidden" name="${k}" value="${escapeHtml(o.params.get(k)!)}">`)
    .join("");
  const scopes = [...new Set(o.scope.map((s) => SCOPE_TEXT[s]).filter(Boolean))].map((t) => `<li>${escapeHtml(t)}</li>`).join("");
  const appName = escapeHtml(o.app.name ?? o.app.clientId);
  return {
    status: 200,
    html: true,
    body: page("Allow Access?", `<h1>Salesforce (simulated)</h1>
<p class="note">A local stand-in for Salesforce used by tests and the demo. No real Salesforce org is involved.</p>
<h2>Allow Access?</h2>
<p><strong>${appName}</strong> is asking to:</p><ul>${scopes}</ul>
${o.error ? `<p class="error" role="alert">${escapeHtml(o.error)}</p>` : ""}
<form method="post" action="/services/oauth2/authorize">${keep}
<label for="user_id">Log in as</label><select id="user_id" name="user_id">${options}</select>
<label for="username">Or enter a username</label><input id="username" name="username" type="text" autocomplete="username" placeholder="name@example.com">
<div class="actions"><button type="submit" name="decision" value="allow">Allow</button><button type="submit" name="decision" value="deny">Deny</button></div>
</form>`),
  };
}

export function errorPage(error: string, description: string): Answer {
  return {
    status: 400,
    html: true,
    body: page("Error", `<h1>Salesforce (simulated)</h1><h2>Remote Access Application Error</h2><p role="alert">error=${escapeHtml(error)}&amp;error_description=${escapeHtml(description)}</p>`),
  };
}
