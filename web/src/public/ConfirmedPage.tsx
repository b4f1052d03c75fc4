import { useQueries } from "@tanstack/react-query";
import { useMemo } from "react";
import { manageViewQuery } from "../api/public";
import { Confirmation, type BookingResult } from "./Confirmation";
import { isMissingPage } from "./customer-words";
import { NotFoundPage, PublicShell, PublicStatus } from "./PublicShell";
import { detectZone } from "./time";

/**
 * The booking confirmation's own address, /book/:slug/confirmed#t=<token>[,<token>…][&p=<package ID>],
 * so a reload (or the back button) shows it again. The manage-link tokens ride in the fragment,
 * which the browser never sends to the server (nor in a Referer): no request log holds them.
 */
const TOKEN = /^[A-Za-z0-9_-]{20,100}$/;
const PACKAGE_ID = /^PKG-[A-Z0-9]+$/;

export function confirmationUrl(slug: string, tokens: string[], packageId?: string): string {
  const hash = new URLSearchParams({ t: tokens.join(",") });
  if (packageId) hash.set("p", packageId);
  return `/book/${encodeURIComponent(slug)}/confirmed#${hash}`;
}

function readFragment(): { tokens: string[]; packageId?: string } {
  const h = new URLSearchParams(window.location.hash.slice(1));
  const tokens = (h.get("t") ?? "").split(",").filter((t) => TOKEN.test(t)).slice(0, 20);
  const p = h.get("p") ?? "";
  return { tokens, packageId: PACKAGE_ID.test(p) ? p : undefined };
}

export function ConfirmedPage() {
  const { tokens, packageId } = useMemo(readFragment, []);
  const views = useQueries({ queries: tokens.map(manageViewQuery) });
  const detected = useMemo(detectZone, []);
  if (tokens.length === 0) return <NotFoundPage />;
  const failed = views.find((v) => v.isError);
  if (failed) return <PublicShell title={isMissingPage(failed.error) ? "Page not found" : "Your booking"}><PublicStatus error={failed.error} onRetry={() => views.forEach((v) => v.refetch())} /></PublicShell>;
  if (views.some((v) => v.isPending)) return <PublicShell title="Your booking"><PublicStatus /></PublicShell>;
  const sessions = views.map((v, i) => ({ activity: v.data!, manageLink: new URL(`/manage/${tokens[i]}`, window.location.origin).toString() }));
  const first = sessions[0].activity;
  const kind: BookingResult["kind"] = packageId ? "package" : first.start === null ? "request" : "booking";
  return (
    <PublicShell title={first.bookingPage.name}>
      <div className="public-card">
        <Confirmation result={{ kind, packageId, sessions }} zone={first.customer.timeZone ?? detected} />
      </div>
    </PublicShell>
  );
}
