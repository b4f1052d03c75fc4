import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";
import { CalendarPeerError } from "./provider.js";

/**
 * The fetch CalDAV calls go through. A calendar server URL is typed in by a user, so it must not
 * become a way to reach this server's own network (SSRF): only http(s), no credentials in the
 * URL, and every address the host name resolves to must be public — loopback, private, link-local
 * (cloud metadata at 169.254.169.254), carrier-grade NAT, multicast and reserved ranges are refused
 * unless the operator allows private networks (CALDAV_ALLOW_PRIVATE_NETWORKS=1: a Radicale on the
 * LAN, the tests). Redirects are followed by hand, at most 5, each hop checked the same way. Every
 * request has a time limit, so a hanging server only costs a retry.
 *
 * What remains: the name is resolved here and again by fetch, so a DNS server that answers
 * differently the second time (DNS rebinding) could slip past; pinning the address needs a
 * custom dispatcher (undici), which is not a dependency here.
 */
const BLOCKED = new BlockList();
for (const [net, bits] of [
  ["0.0.0.0", 8], ["10.0.0.0", 8], ["100.64.0.0", 10], ["127.0.0.0", 8], ["169.254.0.0", 16], ["172.16.0.0", 12],
  ["192.0.0.0", 24], ["192.168.0.0", 16], ["198.18.0.0", 15], ["224.0.0.0", 4], ["240.0.0.0", 4],
] as const) BLOCKED.addSubnet(net, bits, "ipv4");
for (const [net, bits] of [["::", 128], ["::1", 128], ["fc00::", 7], ["fe80::", 10], ["ff00::", 8], ["64:ff9b::", 96]] as const) BLOCKED.addSubnet(net, bits, "ipv6");

export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return BLOCKED.check(mapped[1], "ipv4");
  const family = isIP(address);
  if (family === 4) return BLOCKED.check(address, "ipv4");
  if (family === 6) return BLOCKED.check(address, "ipv6");
  return true;
}

/** Refuses a URL this server must not call; the reason is safe to show the user. */
export async function assertCallable(url: string, allowPrivate: boolean): Promise<URL> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new CalendarPeerError("not a URL", false);
  }
  if (u.protocol !== "https:" && u.protocol !== "http:") throw new CalendarPeerError("only http and https calendar servers are supported", false);
  if (u.username || u.password) throw new CalendarPeerError("put the username and password in their own fields, not in the URL", false);
  if (allowPrivate) return u;
  const host = u.hostname.replace(/^\[|\]$/g, "");
  const addresses = isIP(host) ? [host] : await lookup(host, { all: true, verbatim: true }).then((r) => r.map((a) => a.address)).catch(() => {
    throw new CalendarPeerError(`the host name ${host} does not resolve`, false);
  });
  if (addresses.length === 0 || addresses.some(isPrivateAddress)) {
    throw new CalendarPeerError(`${host} is on a private or reserved network, which this server does not call`, false);
  }
  return u;
}

export function guardedFetch(opts: { allowPrivate: boolean; timeoutMs: number }): typeof fetch {
  return async (input, init) => {
    let url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    let current: RequestInit = { ...init };
    for (let hop = 0; hop <= 5; hop++) {
      await assertCallable(url, opts.allowPrivate);
      const signal = init?.signal ? AbortSignal.any([init.signal, AbortSignal.timeout(opts.timeoutMs)]) : AbortSignal.timeout(opts.timeoutMs);
      let res: Response;
      try {
        res = await fetch(url, { ...current, redirect: "manual", signal });
      } catch (err) {
        const timedOut = (err as Error)?.name === "TimeoutError" || (err as Error)?.name === "AbortError";
        throw new CalendarPeerError(timedOut ? `the calendar server did not answer within ${opts.timeoutMs / 1000} s` : `the calendar server could not be reached`, true);
      }
      const location = res.status >= 300 && res.status < 400 ? res.headers.get("location") : null;
      if (!location) return res;
      await res.body?.cancel();
      url = new URL(location, url).href;
      // 303 turns the request into a GET; 301/302 keep the method (WebDAV's methods are not forms).
      if (res.status === 303) current = { ...current, method: "GET", body: undefined };
    }
    throw new CalendarPeerError("the calendar server redirected too many times", false);
  };
}
