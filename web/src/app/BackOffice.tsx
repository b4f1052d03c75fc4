import { useQueryClient } from "@tanstack/react-query";
import { lazy, Suspense, useEffect, type ReactNode } from "react";
import { onUnauthenticated } from "../api/client";
import { useLiveUpdates } from "../api/live";
import { keys, useMe } from "../api/queries";
import type { Me } from "../api/types";
import { SignIn } from "../auth/SignIn";
import { SchedulePage } from "../schedule/SchedulePage";
import { reportKindOf } from "../reports/report-params";
import { SettingsPage } from "../settings/SettingsPage";
import { SharePage } from "../share/SharePage";
import { StreamPage } from "../stream/StreamPage";
import { Header } from "./Header";
import { Link, navigate, useLocation } from "./router";

/** Reports bring the chart library: loaded when first opened, not with the rest of the back office. */
const ReportsPage = lazy(() => import("../reports/ReportsPage"));

/** The signed-in back office; loaded on demand, so customers' pages never download it. */
export default function BackOffice() {
  const me = useMe();
  const qc = useQueryClient();
  useEffect(() => onUnauthenticated(() => qc.setQueryData(keys.me, null)), [qc]);
  if (me.isPending) return <div className="splash">Loading Bookstream…</div>;
  if (me.isError)
    return (
      <div className="splash" role="alert">
        Could not reach the server. <button className="button" onClick={() => me.refetch()}>Try again</button>
      </div>
    );
  if (!me.data) return <SignIn />;
  return <SignedIn me={me.data} />;
}

function SignedIn({ me }: { me: Me }) {
  const { pathname } = useLocation();
  const live = useLiveUpdates(true);
  const report = reportKindOf(pathname);
  let page: ReactNode;
  if (pathname === "/" || pathname === "/activities") page = <StreamPage key="stream" me={me} mode="stream" />;
  else if (pathname === "/packages") page = <StreamPage key="packages" me={me} mode="packages" />;
  else if (pathname === "/share") page = <SharePage />;
  else if (pathname === "/trash") page = <ToTrashView />;
  else if (pathname === "/schedule") page = <SchedulePage me={me} />;
  else if (report)
    page = (
      <Suspense fallback={<div className="empty">Loading reports…</div>}>
        <ReportsPage me={me} kind={report} />
      </Suspense>
    );
  else if (pathname === "/settings" || pathname.startsWith("/settings/")) page = <SettingsPage me={me} pathname={pathname} />;
  else
    page = (
      <div className="empty">
        <h1>Page not found</h1>
        <Link to="/activities">Go to the Activity stream</Link>
      </div>
    );
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <Header me={me} live={live} pathname={pathname} />
      <main id="main" className="main">
        {page}
      </main>
    </div>
  );
}

/** The Trash is a view of the stream now; its old address leads there. */
function ToTrashView() {
  useEffect(() => navigate("/activities?view=trash", { replace: true }), []);
  return null;
}
