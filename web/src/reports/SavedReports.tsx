import { useState, type FormEvent } from "react";
import { ApiError } from "../api/client";
import { useSavedFilterMutations } from "../api/queries";
import { useSavedReports, type ReportKind } from "../api/reports";
import type { FilterQuery, SavedFilter } from "../api/types";
import { navigate } from "../app/router";
import { Dialog } from "../ui/Dialog";
import { MenuButton } from "../ui/Menu";
import { savedReportHref } from "./report-params";

const KIND_LABEL: Record<ReportKind, string> = { summary: "Summary", detail: "Detail", revenue: "Revenue" };

/**
 * Saved reports: saved filters (the stream's API) whose query names the report. Choose one to open
 * it, save the report on screen under a name, or delete the one open.
 */
export function SavedReports({ kind, currentQuery, savedId, onDeleted }: { kind: ReportKind; currentQuery: FilterQuery; savedId: string | null; onDeleted: () => void }) {
  const saved = useSavedReports();
  const m = useSavedFilterMutations();
  const [dialog, setDialog] = useState<"save" | "delete" | null>(null);
  const [name, setName] = useState("");
  const [error, setError] = useState<string | null>(null);
  const open = saved.data?.find((f) => f.id === savedId) ?? null;

  const pick = (f: SavedFilter) => {
    const href = savedReportHref(f.query, f.id);
    if (href) navigate(href);
  };
  const start = (d: "save" | "delete") => {
    setError(null);
    setName("");
    setDialog(d);
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      if (dialog === "save") {
        const f = await m.create.mutateAsync({ name, query: currentQuery });
        pick(f);
      } else if (open) {
        await m.remove.mutateAsync(open.id);
        onDeleted();
      }
      setDialog(null);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : "Something went wrong; try again.");
    }
  };
  const items = (saved.data ?? []).map((f) => ({ key: f.id, label: `${f.name} · ${KIND_LABEL[f.query.report as ReportKind] ?? f.query.report}`, onSelect: () => pick(f) }));

  return (
    <div className="saved-reports">
      {open && (
        <span className="chip" data-testid="saved-report">
          <span>{open.name}</span>
          <button type="button" className="icon-button" aria-label={`Delete the saved report ${open.name}`} onClick={() => start("delete")}>
            <span aria-hidden="true">×</span>
          </button>
        </span>
      )}
      <MenuButton label={`Saved reports${items.length ? ` (${items.length})` : ""}`} ariaLabel="Saved reports" items={items} />
      <button type="button" className="button" onClick={() => start("save")}>
        Save report…
      </button>
      <Dialog open={dialog !== null} onClose={() => setDialog(null)} title={dialog === "save" ? `Save this ${KIND_LABEL[kind].toLowerCase()} report` : "Delete saved report"}>
        <form onSubmit={submit} className="form">
          {dialog === "delete" ? (
            <p>
              Delete the saved report <strong>{open?.name}</strong>? The report on screen stays as it is.
            </p>
          ) : (
            <label className="field">
              <span>Name</span>
              <input className="input" value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} autoFocus />
            </label>
          )}
          {error && (
            <p className="form-error" role="alert">
              {error}
            </p>
          )}
          <div className="dialog-actions">
            <button type="button" className="button" onClick={() => setDialog(null)}>
              Cancel
            </button>
            <button type="submit" className={`button ${dialog === "delete" ? "button-danger" : "button-primary"}`} disabled={m.create.isPending || m.remove.isPending}>
              {dialog === "delete" ? "Delete" : "Save"}
            </button>
          </div>
        </form>
      </Dialog>
    </div>
  );
}
