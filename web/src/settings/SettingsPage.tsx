import { useEffect, type ReactNode } from "react";
import type { Me } from "../api/types";
import { Link, navigate } from "../app/router";
import { AccountSettingsScreen } from "./AccountSettingsScreen";
import { AvailabilityScreen } from "./AvailabilityScreen";
import { BookingPageEditor } from "./BookingPageEditor";
import { BookingPagesScreen } from "./BookingPagesScreen";
import { MasterPagesScreen } from "./MasterPagesScreen";
import { PayPalScreen } from "./PayPalScreen";
import { ProfileScreen } from "./ProfileScreen";
import { SalesforceScreen } from "./SalesforceScreen";
import { TeamScreen } from "./TeamScreen";
import { TokensPage } from "./TokensPage";
import { SentMailScreen } from "./SentMailScreen";
import { IntegrationsPage } from "./IntegrationsPage";
import "./settings.css";

/**
 * Settings, under /settings/…, with their own navigation (a side column on wide screens, a
 * scrolling row on phones). Each screen is a URL, so every one can be bookmarked and shared.
 */
const SECTIONS: { path: string; label: string; render: (me: Me, rest: string[]) => ReactNode; adminOnly?: boolean }[] = [
  { path: "profile", label: "Your profile", render: (me) => <ProfileScreen me={me} /> },
  { path: "team", label: "Team", render: (me) => <TeamScreen me={me} /> },
  {
    path: "booking-pages",
    label: "Booking pages",
    render: (me, rest) => (rest[0] ? <BookingPageEditor key={rest[0]} me={me} pageId={rest[0]} section={rest[1] ?? "general"} /> : <BookingPagesScreen me={me} />),
  },
  { path: "availability", label: "Availability", render: (me, rest) => <AvailabilityScreen me={me} userId={rest[0] ?? me.user.id} /> },
  { path: "master-pages", label: "Master pages", render: (me) => <MasterPagesScreen me={me} /> },
  { path: "account", label: "Account", render: (me) => <AccountSettingsScreen me={me} /> },
  { path: "paypal", label: "PayPal", render: (me) => <PayPalScreen me={me} /> },
  { path: "salesforce", label: "Salesforce", render: (me) => <SalesforceScreen me={me} /> },
  { path: "integrations", label: "Integrations", render: (me) => <IntegrationsPage me={me} />, adminOnly: true },
  { path: "tokens", label: "API tokens", render: (me) => <TokensPage me={me} /> },
  { path: "sent-mail", label: "Sent mail", render: (me) => <SentMailScreen me={me} />, adminOnly: true },
];

export function SettingsPage({ me, pathname }: { me: Me; pathname: string }) {
  const [, , section, ...rest] = pathname.replace(/\/+$/, "").split("/");
  const current = SECTIONS.find((s) => s.path === section);
  useEffect(() => {
    if (!section) navigate("/settings/profile", { replace: true });
  }, [section]);
  useEffect(() => {
    document.title = `${current?.label ?? "Settings"} · Settings · Bookstream`;
    // On a phone the navigation scrolls sideways: keep the current screen's link in view.
    document.querySelector(".settings-nav [aria-current=page]")?.scrollIntoView({ block: "nearest", inline: "nearest" });
  }, [current]);
  return (
    <div className="settings">
      <nav className="settings-nav" aria-label="Settings">
        <h1 className="settings-nav-title">Settings</h1>
        <ul>
          {SECTIONS.filter((s) => !s.adminOnly || me.user.role === "admin").map((s) => (
            <li key={s.path}>
              <Link to={`/settings/${s.path}`} className="settings-nav-link" aria-current={s.path === section ? "page" : undefined}>
                {s.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <div className="settings-main">
        {current ? (
          current.render(me, rest.map(decodeURIComponent))
        ) : section ? (
          <div className="empty">
            <h2>No such settings page</h2>
            <Link to="/settings/profile">Go to your profile</Link>
          </div>
        ) : null}
      </div>
    </div>
  );
}
