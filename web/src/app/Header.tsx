import type { LiveState } from "../api/live";
import { useSignOut } from "../api/queries";
import type { Me } from "../api/types";
import { MenuButton } from "../ui/Menu";
import { Link, navigate } from "./router";

const TABS = [
  { to: "/activities", label: "Activity stream", short: "Stream", match: ["/", "/activities"], icon: "M4 6h16M4 12h16M4 18h10" },
  { to: "/packages", label: "Packages", match: ["/packages"], icon: "M3 8l9-5 9 5-9 5-9-5Zm0 4 9 5 9-5M3 16l9 5 9-5" },
  { to: "/schedule", label: "Schedule", match: ["/schedule"], icon: "M7 3v3M17 3v3M4 9h16M5 5h14a1 1 0 0 1 1 1v13a1 1 0 0 1-1 1H5a1 1 0 0 1-1-1V6a1 1 0 0 1 1-1ZM12 12v5M9.5 14.5h5" },
  { to: "/reports", label: "Reports", match: ["/reports"], prefix: true, icon: "M4 20h16M7 16v-5M12 16V6M17 16v-8" },
  { to: "/share", label: "Share links", short: "Share", match: ["/share"], icon: "M10 14a4 4 0 0 0 5.7 0l3-3a4 4 0 0 0-5.7-5.7l-1 1M14 10a4 4 0 0 0-5.7 0l-3 3a4 4 0 0 0 5.7 5.7l1-1" },
  { to: "/settings", label: "Settings", match: ["/settings"], prefix: true, icon: "M12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6ZM19.4 15a1.7 1.7 0 0 0 .3 1.8l.1.1a2 2 0 1 1-2.8 2.8l-.1-.1a1.7 1.7 0 0 0-1.8-.3 1.7 1.7 0 0 0-1 1.5V21a2 2 0 1 1-4 0v-.1a1.7 1.7 0 0 0-1.1-1.5 1.7 1.7 0 0 0-1.8.3l-.1.1a2 2 0 1 1-2.8-2.8l.1-.1a1.7 1.7 0 0 0 .3-1.8 1.7 1.7 0 0 0-1.5-1H3a2 2 0 1 1 0-4h.1a1.7 1.7 0 0 0 1.5-1.1 1.7 1.7 0 0 0-.3-1.8l-.1-.1a2 2 0 1 1 2.8-2.8l.1.1a1.7 1.7 0 0 0 1.8.3H9a1.7 1.7 0 0 0 1-1.5V3a2 2 0 1 1 4 0v.1a1.7 1.7 0 0 0 1 1.5 1.7 1.7 0 0 0 1.8-.3l.1-.1a2 2 0 1 1 2.8 2.8l-.1.1a1.7 1.7 0 0 0-.3 1.8V9a1.7 1.7 0 0 0 1.5 1H21a2 2 0 1 1 0 4h-.1a1.7 1.7 0 0 0-1.5 1Z" },
];

const LIVE_TEXT: Record<LiveState, string> = { connecting: "Connecting…", live: "Live", reconnecting: "Reconnecting…" };

export function Header({ me, live, pathname }: { me: Me; live: LiveState; pathname: string }) {
  const signOut = useSignOut();
  return (
    <header className="app-header">
      <Link to="/activities" className="brand" aria-label="Bookstream, Activity stream">
        <span className="brand-mark" aria-hidden="true" />
        <span className="brand-name">Bookstream</span>
      </Link>
      <nav className="tabs" aria-label="Main">
        {TABS.map((t) => (
          <Link
            key={t.to}
            to={t.to}
            className="tab"
            aria-current={t.match.includes(pathname) || ("prefix" in t && pathname.startsWith(`${t.to}/`)) ? "page" : undefined}
            // Phones show the short label (seven tabs across 390px); the link's name stays the full one.
            aria-label={"short" in t ? t.label : undefined}
          >
            <svg viewBox="0 0 24 24" width="20" height="20" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
              <path d={t.icon} />
            </svg>
            <span className={"short" in t ? "tab-long" : undefined}>{t.label}</span>
            {"short" in t && (
              <span className="tab-short" aria-hidden="true">
                {t.short}
              </span>
            )}
          </Link>
        ))}
      </nav>
      <div className="header-right">
        <span className={`live live-${live}`} data-live={live} title="Updates from other people appear without reloading">
          <span className="live-dot" aria-hidden="true" />
          <span className="live-text">{LIVE_TEXT[live]}</span>
        </span>
        {/* The user menu: one's own settings (API tokens) and signing out. */}
        <MenuButton
          className="account-button"
          ariaLabel={`Account menu: ${me.user.name}, ${me.user.role === "admin" ? "Admin" : "Member"}, ${me.account.name}`}
          label={
            <span className="account" data-testid="account">
              <span className="account-name">{me.account.name}</span>
              <span className="account-user">
                {me.user.name} · <span className="role">{me.user.role === "admin" ? "Admin" : "Member"}</span>
              </span>
            </span>
          }
          align="end"
          items={[
            { key: "tokens", label: "API tokens", onSelect: () => navigate("/settings/tokens") },
            { key: "sign-out", label: signOut.isPending ? "Signing out…" : "Sign out", onSelect: () => signOut.mutate() },
          ]}
        />
      </div>
    </header>
  );
}
