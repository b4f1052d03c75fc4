import { lazy, Suspense, type ReactNode } from "react";
import { joinRoutes } from "../join/routes";
import { bookRoute, checkoutRoute, confirmedRoute, manageRoute, masterRoute, publicNotFoundRoute } from "../public/routes";
import { useLocation } from "./router";

const BackOffice = lazy(() => import("./BackOffice"));

/**
 * Routes that need no sign-in (the customer's side: /book/:slug, /book/:slug/confirmed,
 * /manage/:token, /m/:slug, and "does not exist" for anything else under those prefixes) go here,
 * before the sign-in gate; each returns an element for a matching path, or null.
 */
const PUBLIC_ROUTES: Array<(pathname: string) => ReactNode | null> = [bookRoute, confirmedRoute, checkoutRoute, manageRoute, masterRoute, ...joinRoutes, publicNotFoundRoute];

export function App() {
  const { pathname } = useLocation();
  for (const route of PUBLIC_ROUTES) {
    const el = route(pathname);
    if (el) return el;
  }
  return (
    <Suspense fallback={<div className="splash">Loading Bookstream…</div>}>
      <BackOffice />
    </Suspense>
  );
}

