import { useState, type FormEvent } from "react";
import type { CustomerDetails, Question } from "../api/public";

export interface BookingFormValue {
  customer: CustomerDetails;
  answers: Record<string, string>;
}

/** Name, e-mail, phone and the page's own questions; native validation, labels on every field. */
export function BookingForm(props: { questions: Question[]; submitLabel: string; pending: boolean; error: string | null; onSubmit: (v: BookingFormValue) => void }) {
  const { questions, submitLabel, pending, error, onSubmit } = props;
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [phone, setPhone] = useState("");
  const [answers, setAnswers] = useState<Record<string, string>>({});
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const filled = Object.fromEntries(Object.entries(answers).filter(([, v]) => v.trim()).map(([k, v]) => [k, v.trim()]));
    onSubmit({ customer: { name: name.trim(), email: email.trim(), ...(phone.trim() ? { phone: phone.trim() } : {}) }, answers: filled });
  };
  return (
    <form className="form booking-form" onSubmit={submit} aria-label="Your details">
      <label className="field">
        <span>Name</span>
        <input className="input" name="name" autoComplete="name" required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      <label className="field">
        <span>Email</span>
        <input className="input" name="email" type="email" autoComplete="email" required maxLength={320} value={email} onChange={(e) => setEmail(e.target.value)} />
      </label>
      <label className="field">
        <span>
          Phone <span className="muted">(optional)</span>
        </span>
        <input className="input" name="phone" type="tel" autoComplete="tel" maxLength={40} value={phone} onChange={(e) => setPhone(e.target.value)} />
      </label>
      {questions.map((q) => (
        <label key={q.id} className="field">
          <span>
            {q.label} {!q.required && <span className="muted">(optional)</span>}
          </span>
          <textarea
            className="input"
            rows={2}
            maxLength={5000}
            required={q.required}
            value={answers[q.id] ?? ""}
            onChange={(e) => setAnswers((a) => ({ ...a, [q.id]: e.target.value }))}
          />
        </label>
      ))}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" className="button button-primary button-block button-large" disabled={pending}>
        {pending ? "Working…" : submitLabel}
      </button>
    </form>
  );
}
