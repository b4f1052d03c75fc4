import type { ReactNode } from "react";
import { preloadBookingPage } from "../api/public";
import { useLocation } from "../app/router";
import { BookPage } from "./BookPage";
import { CheckoutReturnPage } from "./CheckoutReturn";
import { ConfirmedPage } from "./ConfirmedPage";
import { ManagePage } from "./ManagePage";
import { MasterPage } from "./MasterPage";
import { NotFoundPage } from "./PublicShell";
import { detectZone, weekOf } from "./time";

/** The customer's pages, matched before the back office's sign-in gate (see App's PUBLIC_ROUTES). */
type Route = (pathname: string) => ReactNode | null;

const segment = (pathname: string, prefix: string, suffix = ""): string | null => {
  const m = new RegExp(`^/${prefix}/([^/]+)${suffix}/?$`).exec(pathname);
  if (!m) return null;
  try {
    return decodeURIComponent(m[1]);
  } catch {
    return null;
  }
};

function BookRoute({ slug }: { slug: string }) {
  const { search } = useLocation();
  const host = search.get("host") ?? undefined;
  return <BookPage key={`${slug}|${host ?? ""}`} slug={slug} hostId={host} routedTo={host ? search.get("with") : null} />;
}

export const bookRoute: Route = (p) => {
  const slug = segment(p, "book");
  return slug ? <BookRoute slug={slug} /> : null;
};

/** The confirmation after booking (its own address, so a reload keeps it). */
export const confirmedRoute: Route = (p) => (segment(p, "book", "/confirmed") ? <ConfirmedPage /> : null);

/** PayPal sends the customer back here: /checkout/{id}/return (approved) or /checkout/{id}/cancel. */
export const checkoutRoute: Route = (p) => {
  const m = /^\/checkout\/([0-9a-fA-F-]{36})\/(return|cancel)\/?$/.exec(p);
  return m ? <CheckoutReturnPage key={p} id={m[1]} outcome={m[2] as "return" | "cancel"} /> : null;
};

/** Anything else under the customer's prefixes (/manage/, /book/a/b …): a page that does not exist. */
export const publicNotFoundRoute: Route = (p) => (/^\/(book|manage|m|meet|checkout)(\/|$)/.test(p) ? <NotFoundPage /> : null);

export const manageRoute: Route = (p) => {
  const token = segment(p, "manage");
  return token ? <ManagePage key={token} token={token} /> : null;
};

/** Master pages: /m/:slug, and /meet/:slug (the link the admin API hands out). */
export const masterRoute: Route = (p) => {
  const slug = segment(p, "m") ?? segment(p, "meet");
  return slug ? <MasterPage key={slug} slug={slug} /> : null;
};

// A first visit to a booking page: ask for the page, its rules and the first week of slots while
// React is still starting (the booking page's queries take these answers).
{
  const slug = segment(window.location.pathname, "book");
  if (slug) {
    const hostId = new URLSearchParams(window.location.search).get("host") ?? undefined;
    preloadBookingPage(slug, () => {
      const zone = detectZone();
      const { from, to } = weekOf(zone, 0);
      return { from, to, timeZone: zone, hostId };
    });
  }
}
