import { useState } from "react";
import { usePageMutations } from "../../api/settings";
import type { SectionProps } from "../BookingPageEditor";
import { SectionForm } from "../BookingPageEditor";
import { fieldErrors, slugify } from "../fields";

type Question = { id: string; label: string; required: boolean };

/** Questions on the booking form, in order; answers are kept with the booking under the question's id. */
export function QuestionsSection({ page, access }: SectionProps) {
  const { patch } = usePageMutations(page.id);
  const [qs, setQs] = useState<Question[]>(page.questions);
  const [saved, setSaved] = useState(false);
  const errs = fieldErrors(patch.error, ["questions"]);
  const change = (next: Question[]) => {
    setSaved(false);
    setQs(next);
  };
  const update = (i: number, q: Partial<Question>) => change(qs.map((x, j) => (j === i ? { ...x, ...q } : x)));
  const move = (i: number, by: number) => {
    const next = [...qs];
    const [q] = next.splice(i, 1);
    next.splice(i + by, 0, q);
    change(next);
  };
  const add = () => change([...qs, { id: "", label: "", required: false }]);
  // New questions get an id from their label (kept once saved: answers are filed under it).
  const withIds = () => {
    const used = new Set(qs.map((q) => q.id).filter(Boolean));
    return qs.map((q) => {
      if (q.id) return q;
      const base = slugify(q.label).slice(0, 30) || "question";
      let id = base;
      for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
      used.add(id);
      return { ...q, id };
    });
  };
  const errorAt = (i: number) => errs.of(`questions.${i}`);
  return (
    <SectionForm
      title="Questions"
      description="Asked on the booking form. Answers appear with the booking."
      onSubmit={() => {
        const next = withIds();
        setQs(next);
        patch.mutate({ questions: next }, { onSuccess: () => setSaved(true) });
      }}
      pending={patch.isPending}
      saved={saved}
      error={errs.general ?? (qs.every((_, i) => !errorAt(i)) ? errs.of("questions") : undefined)}
      readOnly={access === "view"}
    >
      {qs.length === 0 && <p className="muted">No questions: customers enter their name, e-mail and phone only.</p>}
      <ol className="item-list">
        {qs.map((q, i) => (
          <li key={i} className="item-row question-row">
            <label className="field question-label">
              <span>Question {i + 1}</span>
              <input className={`input${errorAt(i) ? " is-invalid" : ""}`} value={q.label} onChange={(e) => update(i, { label: e.target.value })} aria-invalid={Boolean(errorAt(i)) || undefined} />
            </label>
            <label className="check">
              <input type="checkbox" checked={q.required} onChange={(e) => update(i, { required: e.target.checked })} />
              Required<span className="sr-only"> (question {i + 1})</span>
            </label>
            <span className="item-actions">
              <button type="button" className="icon-button" aria-label={`Move question ${i + 1} up`} disabled={i === 0} onClick={() => move(i, -1)}>
                <span aria-hidden="true">↑</span>
              </button>
              <button type="button" className="icon-button" aria-label={`Move question ${i + 1} down`} disabled={i === qs.length - 1} onClick={() => move(i, 1)}>
                <span aria-hidden="true">↓</span>
              </button>
              <button type="button" className="icon-button" aria-label={`Remove question ${i + 1}`} onClick={() => change(qs.filter((_, j) => j !== i))}>
                <span aria-hidden="true">×</span>
              </button>
            </span>
            {errorAt(i) && (
              <span className="field-error" role="alert">
                {errorAt(i)}
              </span>
            )}
          </li>
        ))}
      </ol>
      {qs.length < 30 && (
        <button type="button" className="button button-small" onClick={add}>
          Add a question
        </button>
      )}
    </SectionForm>
  );
}
