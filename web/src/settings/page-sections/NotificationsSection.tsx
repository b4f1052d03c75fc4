import { useEffect, useState } from "react";
import { errorMessage } from "../../api/client";
import { previewTemplate, useNotificationMutations, usePageNotifications, type PageNotifications } from "../../api/notifications";
import type { SectionProps } from "../BookingPageEditor";
import { SectionForm } from "../BookingPageEditor";
import { CheckField, NumberField, SelectField, fieldErrors } from "../fields";

const LABELS: Record<string, string> = {
  "booking-confirmed": "Booking confirmed",
  "request-received": "Request received",
  "request-approved": "Request approved",
  "new-times-requested": "New times requested",
  "reschedule-requested": "Reschedule requested",
  rescheduled: "Rescheduled",
  canceled: "Canceled",
  reassigned: "Reassigned",
  "payment-receipt": "Payment receipt",
  "refund-notice": "Refund notice",
  reminder: "Reminder",
  "follow-up": "Follow-up",
};

/** E-mail notifications of a booking page: each on or off, reminder and follow-up timing, and the templates with a live preview. */
export function NotificationsSection({ page, access }: SectionProps) {
  const n = usePageNotifications(page.id);
  if (n.isPending) return <p className="muted">Loading…</p>;
  if (n.isError) return <p className="form-error" role="alert">Could not load the notifications: {errorMessage(n.error)}</p>;
  return (
    <>
      <SettingsForm pageId={page.id} data={n.data} readOnly={access === "view"} />
      <TemplateEditor pageId={page.id} data={n.data} readOnly={access === "view"} />
    </>
  );
}

function SettingsForm({ pageId, data, readOnly }: { pageId: string; data: PageNotifications; readOnly: boolean }) {
  const { patch } = useNotificationMutations(pageId);
  const [enabled, setEnabled] = useState(data.enabled);
  const [reminder, setReminder] = useState<number | null>(data.reminderHours);
  const [followUp, setFollowUp] = useState<number | null>(data.followUpHours);
  const [saved, setSaved] = useState(false);
  const errs = fieldErrors(patch.error, ["reminderHours", "followUpHours"]);
  return (
    <SectionForm
      title="E-mail notifications"
      description="Sent to the customer and the host. A follow-up is not sent to a booking that is No-show or canceled by then."
      onSubmit={() => patch.mutate({ enabled, reminderHours: reminder ?? 0, followUpHours: followUp ?? -1 }, { onSuccess: () => setSaved(true) })}
      pending={patch.isPending}
      saved={saved}
      error={errs.general}
      readOnly={readOnly}
    >
      {Object.keys(LABELS).map((k) => (
        <CheckField key={k} label={LABELS[k]} checked={enabled[k] ?? true} onChange={(v) => (setSaved(false), setEnabled({ ...enabled, [k]: v }))} />
      ))}
      <NumberField label="Reminder" value={reminder} onChange={(v) => (setSaved(false), setReminder(v))} min={1} max={336} suffix="hours before" error={errs.of("reminderHours")} />
      <NumberField label="Follow-up" value={followUp} onChange={(v) => (setSaved(false), setFollowUp(v))} min={0} max={336} suffix="hours after the end" error={errs.of("followUpHours")} />
    </SectionForm>
  );
}

function TemplateEditor({ pageId, data, readOnly }: { pageId: string; data: PageNotifications; readOnly: boolean }) {
  const [kind, setKind] = useState("booking-confirmed");
  const [audience, setAudience] = useState<"customer" | "host">("customer");
  const current = data.templates.find((t) => t.kind === kind && t.audience === audience)!;
  const [subject, setSubject] = useState(current.subject);
  const [text, setText] = useState(current.text);
  const [preview, setPreview] = useState<{ subject: string; html: string } | { error: string } | null>(null);
  const { save, reset } = useNotificationMutations(pageId);
  useEffect(() => {
    setSubject(current.subject);
    setText(current.text);
  }, [current.subject, current.text, kind, audience]);
  // The live preview: rendered by the server (sample data), a moment after typing stops.
  useEffect(() => {
    const ac = new AbortController();
    const t = setTimeout(() => {
      previewTemplate(pageId, { kind, audience, template: subject && text ? { subject, text } : undefined }, ac.signal).then(
        (r) => setPreview({ subject: r.subject, html: r.html }),
        (e) => !ac.signal.aborted && setPreview({ error: errorMessage(e) }),
      );
    }, 300);
    return () => (clearTimeout(t), ac.abort());
  }, [pageId, kind, audience, subject, text]);
  const error = save.error ? errorMessage(save.error) : undefined;
  return (
    <SectionForm
      title="Templates"
      description={`Fields: ${data.fields.map((f) => `{{${f.name}}}`).join(" ")}`}
      onSubmit={() => save.mutate({ kind, audience, template: { subject, text } })}
      pending={save.isPending}
      saved={save.isSuccess}
      error={error}
      readOnly={readOnly}
    >
      <SelectField label="Notification" value={kind} onChange={setKind} options={Object.keys(LABELS).map((k) => ({ value: k, label: LABELS[k] }))} />
      <SelectField label="To" value={audience} onChange={setAudience} options={[{ value: "customer", label: "The customer" }, { value: "host", label: "The host" }]} />
      <label className="field">
        <span className="field-label">Subject</span>
        <input className="input" value={subject} onChange={(e) => setSubject(e.target.value)} />
      </label>
      <label className="field">
        <span className="field-label">Text {current.custom ? "(custom)" : "(default)"}</span>
        <textarea className="input" rows={10} value={text} onChange={(e) => setText(e.target.value)} />
      </label>
      {current.custom && !readOnly && (
        <button type="button" className="button button-small" onClick={() => reset.mutate({ kind, audience })}>
          Use the default template
        </button>
      )}
      <div aria-live="polite">
        {preview && "error" in preview && <p className="form-error">{preview.error}</p>}
        {preview && "html" in preview && (
          <>
            <p>
              <strong>Preview:</strong> {preview.subject}
            </p>
            <iframe title="Preview" sandbox="" srcDoc={preview.html} style={{ width: "100%", minHeight: 240, border: "1px solid var(--line)", background: "#fff" }} />
          </>
        )}
      </div>
    </SectionForm>
  );
}
