import { useEffect, useRef, useState } from "react";
import { routeMasterPage, useMasterPage, type MasterRoute } from "../api/public";
import { navigate } from "../app/router";
import { customerProblem, isMissingPage } from "./customer-words";
import { PublicShell, PublicStatus } from "./PublicShell";

/** Where the booking page goes after a master page routed the customer. */
export const bookingUrl = (r: MasterRoute) => {
  const qs = new URLSearchParams();
  if (r.hostId) qs.set("host", r.hostId);
  qs.set("with", r.label);
  return `/book/${encodeURIComponent(r.bookingPage.slug)}?${qs}`;
};

/**
 * A master page (/m/:slug): the customer picks a page or team member, or (round robin) is routed
 * straight to the next one.
 */
export function MasterPage({ slug }: { slug: string }) {
  const master = useMasterPage(slug);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState<string | null>(null);
  const routed = useRef(false);
  const go = async (targetId?: string) => {
    setPending(targetId ?? "auto");
    setError(null);
    try {
      navigate(bookingUrl(await routeMasterPage(slug, targetId)), { replace: !targetId });
    } catch (err) {
      setError(customerProblem(err));
      setPending(null);
    }
  };
  const auto = master.data?.routing === "round_robin";
  useEffect(() => {
    if (auto && !routed.current) {
      routed.current = true;
      void go();
    }
  });

  if (master.isPending) return <PublicShell title=""><PublicStatus /></PublicShell>;
  if (master.isError) return <PublicShell title={isMissingPage(master.error) ? "Page not found" : ""}><PublicStatus error={master.error} onRetry={() => master.refetch()} /></PublicShell>;
  const m = master.data;
  return (
    <PublicShell title={m.name} business={m.business}>
      <div className="public-card">
        <h1>{m.name}</h1>
        {auto ? (
          <p className="muted" role="status">
            Finding the right person for you…
          </p>
        ) : (
          <>
            <p className="muted">Choose who you would like to meet.</p>
            <ul className="master-targets">
              {m.targets.map((t) => (
                <li key={t.id}>
                  <button type="button" className="master-target" disabled={pending !== null} onClick={() => go(t.id)}>
                    <span className="master-avatar" aria-hidden="true">
                      {t.label.slice(0, 1).toUpperCase()}
                    </span>
                    <span>{t.label}</span>
                    <span aria-hidden="true" className="muted">
                      ›
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          </>
        )}
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
      </div>
    </PublicShell>
  );
}
