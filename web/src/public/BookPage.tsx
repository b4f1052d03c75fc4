import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo, useRef, useState } from "react";
import { ApiError } from "../api/client";
import { bookPackage, bookSlot, publicKeys, requestTimes, tokenOf, usePublicPage, useSchedulingInfo, type Created, type PagePrices, type Slot } from "../api/public";
import { navigate } from "../app/router";
import { newKey, rememberCheckout, startCheckout } from "../api/checkout";
import { formatMoney, parseAmount } from "../ui/money";
import { countOf, formatDateTime, formatRange } from "../ui/format";
import { BookingForm, type BookingFormValue } from "./BookingForm";
import { BookOptions, PageIntro, SelectionBar } from "./BookOptions";
import type { BookingResult } from "./Confirmation";
import { confirmationUrl } from "./ConfirmedPage";
import { customerProblem, isMissingPage } from "./customer-words";
import { PublicShell, PublicStatus } from "./PublicShell";
import { SlotPicker } from "./SlotPicker";
import { detectZone } from "./time";

type Step = "pick" | "details";

/**
 * The public booking page (/book/:slug): event type, time zone and free slots by day; one time
 * (or several for a package, or the proposals an approval page needs); the booking form; the
 * confirmation. `hostId`/`routedTo`: a master page sent the customer to one team member.
 */
export function BookPage({ slug, hostId: routedHost, routedTo }: { slug: string; hostId?: string; routedTo?: string | null }) {
  const page = usePublicPage(slug);
  const info = useSchedulingInfo(slug);
  const detected = useMemo(detectZone, []);
  const [zone, setZone] = useState(detected);
  const [chosenType, setChosenType] = useState<string>();
  const [hostId, setHostId] = useState(routedHost ?? "");
  const [asPackage, setAsPackage] = useState(false);
  const [picked, setPicked] = useState<Slot[]>([]);
  const [step, setStep] = useState<Step>("pick");
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const qc = useQueryClient();
  const stepHeading = useRef<HTMLHeadingElement>(null);
  // One key per attempt: a repeated request (a retry after a lost answer) starts one checkout, not two.
  const checkoutKey = useRef(newKey());
  useEffect(() => {
    if (step === "details") stepHeading.current?.focus();
  }, [step]);

  if (page.isPending) return <PublicShell title=""><PublicStatus /></PublicShell>;
  if (page.isError) return <PublicShell title={isMissingPage(page.error) ? "Page not found" : ""}><PublicStatus error={page.error} onRetry={() => page.refetch()} /></PublicShell>;
  const p = page.data;
  const et = p.eventTypes.find((e) => e.id === chosenType) ?? p.eventTypes[0];
  const minutes = et?.durationMinutes ?? p.durationMinutes;
  const kind: BookingResult["kind"] = p.mode === "approval" ? "request" : asPackage ? "package" : "booking";
  const need = kind === "request" ? (info.data?.proposalsRequired ?? 1) : kind === "package" ? Math.min(2, info.data?.maxPackageSessions ?? 1) : 1;
  const max = kind === "package" ? (info.data?.maxPackageSessions ?? 1) : need;
  const reset = () => {
    setPicked([]);
    setError(null);
  };
  const cost = priceOf(p.prices ?? null, kind, et?.id, Math.max(picked.length, 1));

  const pick = (s: Slot) => {
    setError(null);
    if (max === 1) {
      setPicked([s]);
      setStep("details");
      return;
    }
    setPicked((cur) => (cur.some((c) => c.startUtc === s.startUtc) ? cur.filter((c) => c.startUtc !== s.startUtc) : cur.length < max ? [...cur, s].sort((a, b) => a.startUtc.localeCompare(b.startUtc)) : cur));
  };

  const submit = async (v: BookingFormValue) => {
    setPending(true);
    setError(null);
    const customer = { ...v.customer, timeZone: zone };
    const answers = Object.keys(v.answers).length ? v.answers : undefined;
    const common = { customer, answers, eventTypeId: et?.id };
    const host = hostId || undefined;
    try {
      if (cost) {
        // A paid page: hold the time, then approve the payment at PayPal, which sends the customer
        // back to /checkout/{id}/return (or /cancel).
        const started = await startCheckout(
          slug,
          { ...common, ...(kind === "package" ? { starts: picked.map((s) => s.startUtc) } : { start: picked[0].startUtc }), hostId: host },
          checkoutKey.current,
        );
        rememberCheckout(started.checkoutId, {});
        window.location.assign(started.approveUrl);
        return;
      }
      let made: { sessions: Created[]; packageId?: string };
      if (kind === "booking") made = { sessions: [await bookSlot(slug, { ...common, start: picked[0].startUtc, hostId: host })] };
      else if (kind === "request") made = { sessions: [await requestTimes(slug, { ...common, proposedTimes: picked.map((s) => s.startUtc) })] };
      else {
        const r = await bookPackage(slug, { ...common, starts: picked.map((s) => s.startUtc), hostId: host });
        made = { sessions: r.sessions, packageId: r.package.id };
      }
      // The confirmation has its own address (a reload keeps it); its page starts from these answers.
      for (const s of made.sessions) qc.setQueryData(publicKeys.manage(tokenOf(s.manageLink)), s.activity);
      navigate(confirmationUrl(slug, made.sessions.map((s) => tokenOf(s.manageLink)), made.packageId));
      window.scrollTo({ top: 0 });
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 0)) checkoutKey.current = newKey();
      if (err instanceof ApiError && err.code === "slot_unavailable") {
        const times = picked.map((s) => formatDateTime(s.startUtc, zone)).join(", ");
        setError(`Sorry, ${picked.length > 1 ? "one of these times" : times} was just taken. Please choose another time.`);
        setPicked([]);
        setStep("pick");
      } else setError(customerProblem(err));
    } finally {
      setPending(false);
      void qc.invalidateQueries({ queryKey: ["public-slots", slug.toLowerCase()] });
    }
  };

  const noun = kind === "request" ? "times" : "sessions";
  const submitLabel = cost ? `Continue to PayPal · ${cost.text}` : kind === "request" ? "Send request" : kind === "package" ? `Book ${countOf(picked.length, "session")}` : "Confirm booking";
  return (
    <PublicShell title={p.name} wide business={p.business}>
      <div className="public-card book-layout">
        <aside className="book-side">
          <PageIntro page={p} minutes={minutes} routedTo={routedTo} price={priceOf(p.prices ?? null, kind, et?.id, 1)?.text} perSession={kind === "package"} />
          {step === "pick" ? (
            <BookOptions
              page={p}
              info={info.data}
              eventTypeId={et?.id}
              onEventType={(id) => (setChosenType(id), reset())}
              hostId={hostId}
              onHost={(id) => (setHostId(id), reset())}
              hostFixed={Boolean(routedHost)}
              asPackage={asPackage}
              onPackage={(on) => (setAsPackage(on), reset())}
              zone={zone}
              detected={detected}
              onZone={setZone}
            />
          ) : (
            <div className="picked-summary">
              <h2>{picked.length > 1 ? (kind === "request" ? "Proposed times" : "Your sessions") : "Your time"}</h2>
              <ul className="plain-list picked-list">
                {picked.map((s) => (
                  <li key={s.startUtc}>{formatRange(s.startUtc, s.end, zone)}</li>
                ))}
              </ul>
              {cost && (
                <p className="price-total" data-testid="price-total">
                  Total: <strong>{cost.text}</strong>
                  <span className="hint"> — you pay with PayPal; your time is held while you do.</span>
                </p>
              )}
              <button type="button" className="button" onClick={() => (setStep("pick"), setError(null))}>
                Change {picked.length > 1 ? "times" : "time"}
              </button>
            </div>
          )}
        </aside>
        <div className="book-main">
          {step === "pick" ? (
            <>
              {error && (
                <p className="form-error" role="alert">
                  {error}
                </p>
              )}
              <SlotPicker
                slug={slug}
                zone={zone}
                eventTypeId={et?.id}
                hostId={hostId || undefined}
                title={kind === "request" ? "Propose times" : "Choose a time"}
                hint={
                  kind === "request" && need > 1
                    ? `Propose ${need} times; the host confirms one of them.`
                    : kind === "package"
                      ? `Choose the times of your sessions (up to ${max}).`
                      : undefined
                }
                isSelected={(s) => picked.some((c) => c.startUtc === s.startUtc)}
                onPick={pick}
                full={max > 1 && picked.length >= max}
                maxDaysAhead={info.data?.maxDaysAhead}
              />
              {max > 1 && <SelectionBar picked={picked} need={need} max={max} zone={zone} noun={noun} onRemove={pick} onContinue={() => setStep("details")} />}
            </>
          ) : (
            <>
              <h2 ref={stepHeading} tabIndex={-1} className="step-title">
                Your details
              </h2>
              <BookingForm questions={info.data?.questions ?? []} submitLabel={submitLabel} pending={pending} error={error} onSubmit={submit} />
            </>
          )}
        </div>
      </div>
    </PublicShell>
  );
}

/**
 * What the customer pays: a meeting's price (its event type's own, else the page's), or a package's
 * price per session times the sessions, in minor units (no float); null when free or a request.
 */
export function priceOf(prices: PagePrices | null, kind: BookingResult["kind"], eventTypeId: string | undefined, sessions: number): { minor: number; currency: string; text: string } | null {
  if (!prices || kind === "request") return null;
  const each = kind === "package" ? prices.packageSessionPrice : ((eventTypeId ? prices.eventTypePrices[eventTypeId] : null) ?? prices.price);
  if (!each) return null;
  const one = parseAmount(each, prices.currency);
  if ("error" in one || one.minor === 0) return null;
  const m = { minor: one.minor * sessions, currency: prices.currency };
  return { ...m, text: formatMoney(m) };
}
