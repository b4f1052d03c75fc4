import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo, useRef, useState } from "react";
import { publicKeys, tokenOf, useManageView, useSchedulingInfo, type ManageView } from "../api/public";
import { navigate } from "../app/router";
import { formatMoney } from "../ui/money";
import { formatDateTime, formatRange, zoneName } from "../ui/format";
import { meetingTitle } from "./Confirmation";
import { CancelPanel, ReschedulePanel, ResubmitPanel } from "./ManagePanels";
import { CustomerStatusBadge, isMissingPage } from "./customer-words";
import { PublicShell, PublicStatus } from "./PublicShell";
import { detectZone } from "./time";

type Panel = "cancel" | "reschedule" | "resubmit";

/** A message that survives moving to a new booking's own link (after a reschedule that made one). */
let flash: string | null = null;

function policyText(minutes: number): string {
  const unit = minutes % 1440 === 0 ? [minutes / 1440, "day"] : minutes % 60 === 0 ? [minutes / 60, "hour"] : [minutes, "minute"];
  return `${unit[0]} ${unit[1]}${unit[0] === 1 ? "" : "s"}`;
}

/** The time the page's policy counts back from: the meeting, or a request's earliest proposed time. */
const policyStart = (v: ManageView): string | null => v.start ?? [...(v.proposedTimes ?? [])].sort()[0] ?? null;

/**
 * The manage page (/manage/:token): the booking as the customer sees it and the changes the server
 * allows now (its `actions`). When the host asked for a new time or new times, their reason comes
 * first and the way to answer is open.
 */
export function ManagePage({ token }: { token: string }) {
  const q = useManageView(token);
  const v = q.data;
  const info = useSchedulingInfo(v?.bookingPage.slug);
  const detected = useMemo(detectZone, []);
  const [zoneChoice, setZone] = useState<string | null>(null);
  const zone = zoneChoice ?? v?.customer.timeZone ?? detected;
  const [panel, setPanel] = useState<Panel | null>(null);
  const [notice, setNotice] = useState<string | null>(() => flash);
  useEffect(() => {
    flash = null;
  }, []);
  const qc = useQueryClient();
  const title = useRef<HTMLHeadingElement>(null);

  const asked = v && v.status === "Canceled" && v.rescheduleRequest && v.actions.includes("reschedule") ? "reschedule" : v && v.status === "Canceled" && v.actions.includes("resubmit") ? "resubmit" : null;
  useEffect(() => {
    if (asked) setPanel(asked);
  }, [asked, v?.id]);

  if (q.isPending) return <PublicShell title="Your booking"><PublicStatus /></PublicShell>;
  if (q.isError) return <PublicShell title={isMissingPage(q.error) ? "Page not found" : "Your booking"}><PublicStatus error={q.error} onRetry={() => q.refetch()} /></PublicShell>;
  const view = q.data;

  const updated = (next: ManageView, message: string) => {
    qc.setQueryData(publicKeys.manage(token), next);
    void qc.invalidateQueries({ queryKey: ["public-slots"] });
    setPanel(null);
    setNotice(message);
    title.current?.focus();
  };
  const moved = (r: { view: ManageView; manageLink: string | null }, message: string) => {
    if (r.manageLink && tokenOf(r.manageLink) !== token) {
      qc.setQueryData(publicKeys.manage(tokenOf(r.manageLink)), r.view);
      flash = message;
      navigate(`/manage/${tokenOf(r.manageLink)}`);
      window.scrollTo({ top: 0 });
      return;
    }
    updated(r.view, message);
  };

  const isRequest = view.status === "Requested";
  const heading = asked === "reschedule" ? "Please choose a new time" : asked === "resubmit" ? "Please propose new times" : isRequest ? "Your booking request" : "Your booking";
  const hostReason = view.rescheduleRequest?.reason ?? view.reason;
  const hasTime = Boolean(view.start && view.end);
  const panelProps = { view, token, zone, detected, onZone: setZone, onClose: () => setPanel(null) };

  return (
    <PublicShell title={heading} wide={panel === "reschedule" || panel === "resubmit"}>
      <div className="public-card manage">
        <header className="manage-head">
          <p className="eyebrow">{meetingTitle(view)}</p>
          <h1 ref={title} tabIndex={-1}>
            {heading}
          </h1>
          <p className="manage-status">
            <CustomerStatusBadge detailedStatus={view.detailedStatus} />
          </p>
        </header>
        {notice && (
          <p className="notice-success" role="status">
            {notice}
          </p>
        )}
        {asked && (
          <div className="host-note" data-testid="host-reason">
            <h2>{view.host ?? "Your host"} asked you to {asked === "reschedule" ? "book a new time" : "propose new times"}</h2>
            {hostReason && <blockquote>“{hostReason}”</blockquote>}
            {asked === "reschedule" && view.rescheduleRequest?.eventType === "any" && <p className="hint">You may pick any meeting type.</p>}
          </div>
        )}
        {!asked && view.status === "Canceled" && view.reason && (
          <p className="hint">
            Reason: <q>{view.reason}</q>
          </p>
        )}
        <dl className="facts manage-facts">
          <div className="fact">
            <dt>Booking ID</dt>
            <dd>
              <strong data-testid="booking-id">{view.id}</strong>
            </dd>
          </div>
          <div className="fact">
            <dt>{view.start ? (view.status === "Canceled" ? "Was" : "When") : "Proposed times"}</dt>
            <dd data-testid="booking-time">
              {view.start ? (
                formatRange(view.start, view.end, zone)
              ) : (
                <ul className="plain-list">
                  {(view.proposedTimes ?? []).map((t) => (
                    <li key={t}>{formatDateTime(t, zone)}</li>
                  ))}
                </ul>
              )}
            </dd>
          </div>
          <div className="fact">
            <dt>Time zone</dt>
            <dd>{zoneName(zone)}</dd>
          </div>
          {view.host && (
            <div className="fact">
              <dt>With</dt>
              <dd>{view.host}</dd>
            </div>
          )}
          {view.bookingPage.location && (
            <div className="fact">
              <dt>Where</dt>
              <dd>{view.bookingPage.location}</dd>
            </div>
          )}
        </dl>
        {(view.invoices ?? []).length > 0 && (
          <section className="manage-invoices" aria-labelledby="invoices-title">
            <h2 id="invoices-title">Payments</h2>
            <ul className="plain-list">
              {view.invoices.map((i) => (
                <li key={i.transactionId}>
                  <a href={i.url} download data-testid="manage-invoice">
                    {i.kind === "credit-note" ? "Credit note" : "Invoice"} {i.number} (PDF)
                  </a>{" "}
                  <span className="muted">
                    {formatMoney(i.amount)} · {i.transactionId}
                  </span>
                </li>
              ))}
            </ul>
          </section>
        )}
        {info.data?.policyMinutes != null && view.actions.some((a) => a !== "resubmit") && !asked && (
          <p className="hint policy-note">
            You can cancel or reschedule up to {policyText(info.data.policyMinutes)} before the meeting
            {policyStart(view) && <> (until {formatDateTime(new Date(Date.parse(policyStart(view)!) - info.data.policyMinutes * 60_000).toISOString(), zone)})</>}.
          </p>
        )}
        {panel === null && (
          <div className="manage-actions">
            {view.actions.includes("reschedule") && (
              <button type="button" className="button button-primary" onClick={() => (setPanel("reschedule"), setNotice(null))}>
                Reschedule
              </button>
            )}
            {view.actions.includes("resubmit") && (
              <button type="button" className="button button-primary" onClick={() => (setPanel("resubmit"), setNotice(null))}>
                Propose new times
              </button>
            )}
            {view.actions.includes("cancel") && (
              <button type="button" className="button" onClick={() => (setPanel("cancel"), setNotice(null))}>
                Cancel {isRequest ? "request" : "booking"}
              </button>
            )}
            {hasTime && !isRequest && view.status !== "Canceled" && (
              <a className="button button-ghost" href={`/api/v1/public/manage/${encodeURIComponent(token)}/calendar.ics`} download={`${view.id}.ics`}>
                Add to calendar (.ics)
              </a>
            )}
            {view.actions.length === 0 && <p className="muted">There is nothing to change on this {isRequest ? "request" : "booking"} now.</p>}
          </div>
        )}
        {panel === "cancel" && <CancelPanel {...panelProps} onDone={(next) => updated(next, `${next.id} is canceled.`)} />}
        {panel === "reschedule" && (
          <ReschedulePanel
            {...panelProps}
            onDone={(r) => moved(r, r.view.start ? `Done: your booking is now ${formatRange(r.view.start, r.view.end, zone)}.` : "Done: your new times were sent to the host.")}
          />
        )}
        {panel === "resubmit" && <ResubmitPanel {...panelProps} onDone={(r) => moved(r, "Done: your new times were sent to the host.")} />}
      </div>
    </PublicShell>
  );
}
