import { useEffect, type ReactNode } from "react";

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

/** What a public page shows while its first answer loads, or when it failed. */
export function PublicStatus({ error, onRetry }: { error?: Error | null; onRetry?: () => void }) {
  if (!error)
    return (
      <div className="public-card public-loading" aria-busy="true">
        <span className="skeleton-line w60" />
        <span className="skeleton-line w40" />
      </div>
    );
  const notFound = (error as { status?: number }).status === 404;
  return (
    <div className="public-card" role="alert">
      <h1>{notFound ? "This page does not exist" : "Something went wrong"}</h1>
      <p className="muted">{notFound ? "Check that the link was copied whole, or ask for a new one." : error.message}</p>
      {!notFound && onRetry && (
        <button type="button" className="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}
