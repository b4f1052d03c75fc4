import { useEffect, type ReactNode } from "react";
import { customerProblem, isMissingPage } from "./customer-words";

/** The customer's pages: no back-office chrome, one centred column that fills a phone. */
export function PublicShell({ title, children, wide }: { title: string; children: ReactNode; wide?: boolean }) {
  useEffect(() => {
    document.title = title ? `${title} · Bookstream` : "Bookstream";
  }, [title]);
  return (
    <div className="public">
      <a className="skip-link" href="#public-main">
        Skip to content
      </a>
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
