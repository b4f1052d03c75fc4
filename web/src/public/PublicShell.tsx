import { useEffect, type CSSProperties, type ReactNode } from "react";
import { brandStyle, type PublicBusiness } from "./brand";
import { customerProblem, isMissingPage } from "./customer-words";

/**
 * The customer's pages: no back-office chrome, one centred column that fills a phone. With the
 * business's settings: its name and logo on top, its colour for the band, buttons and links.
 */
export function PublicShell({ title, children, wide, business }: { title: string; children: ReactNode; wide?: boolean; business?: PublicBusiness }) {
  useEffect(() => {
    document.title = title ? `${title} · ${business?.name || "Bookstream"}` : business?.name || "Bookstream";
  }, [title, business?.name]);
  const brand = brandStyle(business?.brandColor);
  return (
    <div className={`public${brand ? " public-branded" : ""}`} style={brand as CSSProperties | undefined}>
      <a className="skip-link" href="#public-main">
        Skip to content
      </a>
      {business && (
        <header className="public-business">
          {business.logoUrl && <img className="public-logo" src={business.logoUrl} alt="" />}
          <span className="public-business-name">{business.name}</span>
        </header>
      )}
      <main id="public-main" className={`public-main${wide ? " public-wide" : ""}`}>
        {children}
      </main>
      <footer className="public-footer">
        <span className="brand-mark" aria-hidden="true" /> Scheduling by Bookstream
      </footer>
    </div>
  );
}

/**
 * What a public page shows while its first answer loads, or when it failed: a wrong, cut-off or
 * malformed link is "This page does not exist" (NotFoundPage); anything else is said in plain words.
 */
export function PublicStatus({ error, onRetry }: { error?: Error | null; onRetry?: () => void }) {
  if (!error)
    return (
      <div className="public-card public-loading" aria-busy="true">
        <span className="skeleton-line w60" />
        <span className="skeleton-line w40" />
      </div>
    );
  if (isMissingPage(error)) return <NotFoundCard />;
  return (
    <div className="public-card" role="alert">
      <h1>Something went wrong</h1>
      <p className="muted">{customerProblem(error)}</p>
      {onRetry && (
        <button type="button" className="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

function NotFoundCard() {
  useEffect(() => {
    // Not a page worth indexing or keeping in a search engine.
    const meta = document.createElement("meta");
    meta.name = "robots";
    meta.content = "noindex";
    document.head.appendChild(meta);
    return () => meta.remove();
  }, []);
  return (
    <div className="public-card not-found" role="alert" data-testid="not-found">
      <p className="eyebrow">Error 404</p>
      <h1>This page does not exist</h1>
      <p className="muted">The link may be incomplete, or the booking page may have moved. Check that the link was copied whole, or ask whoever sent it for a new one.</p>
    </div>
  );
}

/** A customer-side address that matches no page (/manage/, /book/a/b/c …). */
export function NotFoundPage() {
  return (
    <PublicShell title="Page not found">
      <NotFoundCard />
    </PublicShell>
  );
}
