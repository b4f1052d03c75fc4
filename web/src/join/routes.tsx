import { lazy, Suspense, type ReactNode } from "react";

// Loaded on demand: customers' booking pages never download them.
const InvitePage = lazy(() => import("./JoinPages").then((m) => ({ default: m.InvitePage })));
const ResetPasswordPage = lazy(() => import("./JoinPages").then((m) => ({ default: m.ResetPasswordPage })));
const loading = <div className="splash">Loading…</div>;

/** /invite/:token and /reset-password/:token: before the sign-in gate (see App's PUBLIC_ROUTES). */
const tokenOf = (pathname: string, prefix: string): string | null => {
  const m = new RegExp(`^/${prefix}/([A-Za-z0-9_-]{1,200})/?$`).exec(pathname);
  return m ? m[1] : null;
};

export const joinRoutes: Array<(pathname: string) => ReactNode | null> = [
  (p) => {
    const token = tokenOf(p, "invite");
    return token ? (
      <Suspense fallback={loading}>
        <InvitePage key={token} token={token} />
      </Suspense>
    ) : null;
  },
  (p) => {
    const token = tokenOf(p, "reset-password");
    return token ? (
      <Suspense fallback={loading}>
        <ResetPasswordPage key={token} token={token} />
      </Suspense>
    ) : null;
  },
];
