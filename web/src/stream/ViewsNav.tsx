import { useEffect, useRef, useState, type FormEvent } from "react";
import { ApiError } from "../api/client";
import { useSavedFilterMutations, useSavedFilters } from "../api/queries";
import { isSavedReport } from "../api/reports";
import type { FilterQuery, SavedFilter } from "../api/types";
import { Dialog } from "../ui/Dialog";
import { MenuButton } from "../ui/Menu";
import { VIEWS, viewsFor, type ViewName } from "./filters";

/** Built-in views and the user's saved filters: choose, save the current filter, rename, delete. */
export function ViewsNav(props: {
  view: ViewName;
  savedId: string | null;
  isCustom: boolean;
  currentQuery: FilterQuery;
  onView: (v: ViewName) => void;
  onSaved: (f: SavedFilter) => void;
  onSavedDeleted: (id: string) => void;
  drawerOpen: boolean;
  onCloseDrawer: () => void;
  /** Admins also get the Trash. */
  showTrash?: boolean;
}) {
  const { view, savedId, isCustom, currentQuery, onView, onSaved, onSavedDeleted, drawerOpen, onCloseDrawer, showTrash } = props;
  const allSaved = useSavedFilters();
  // Saved reports live in the same list (their query names the report); the stream shows only its own filters.
  const saved = { ...allSaved, data: allSaved.data?.filter((f) => !isSavedReport(f)) };
  const m = useSavedFilterMutations();
  const [dialog, setDialog] = useState<{ kind: "save" } | { kind: "rename" | "delete"; filter: SavedFilter } | null>(null);
  const [name, setName] = useState("");
  const [error, setError] = useState<string | null>(null);
  const nav = useRef<HTMLElement>(null);
  // As a drawer (small screens): focus moves into it, Escape closes it.
  useEffect(() => {
    if (!drawerOpen) return;
    nav.current?.querySelector<HTMLElement>(".nav-item[aria-current], .nav-item")?.focus();
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && onCloseDrawer();
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [drawerOpen, onCloseDrawer]);

  const openDialog = (d: NonNullable<typeof dialog>) => {
    setError(null);
    setName(d.kind === "rename" ? d.filter.name : "");
    setDialog(d);
  };
  const close = () => setDialog(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!dialog) return;
    setError(null);
    try {
      if (dialog.kind === "save") onSaved(await m.create.mutateAsync({ name, query: currentQuery }));
      else if (dialog.kind === "rename") await m.update.mutateAsync({ id: dialog.filter.id, name });
      else {
        await m.remove.mutateAsync(dialog.filter.id);
        onSavedDeleted(dialog.filter.id);
      }
      close();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : "Something went wrong; try again.");
    }
  };
  const busy = m.create.isPending || m.update.isPending || m.remove.isPending;

  return (
    <>
      {drawerOpen && <div className="drawer-backdrop" onClick={onCloseDrawer} aria-hidden="true" />}
      <nav ref={nav} className={`views-nav${drawerOpen ? " is-open" : ""}`} aria-label="Views and saved filters">
        <div className="views-head">
          <h2 className="nav-heading">Views</h2>
          <button type="button" className="icon-button drawer-close" aria-label="Close views" onClick={onCloseDrawer}>
            <span aria-hidden="true">×</span>
          </button>
        </div>
        <ul className="nav-list">
          {viewsFor(Boolean(showTrash)).map((v) => (
            <li key={v}>
              <button
                type="button"
                className={`nav-item${v === "trash" ? " nav-trash" : ""}`}
                aria-current={!savedId && !isCustom && view === v ? "true" : undefined}
                onClick={() => onView(v)}
              >
                {VIEWS[v].label}
              </button>
            </li>
          ))}
        </ul>
        <h2 className="nav-heading">Saved filters</h2>
        {saved.isError && <p className="hint">Could not load saved filters.</p>}
        {saved.data?.length === 0 && <p className="hint">None yet. Set filters, then save them here.</p>}
        <ul className="nav-list" aria-label="Saved filters">
          {saved.data?.map((f) => (
            <li key={f.id} className="saved-item">
              <button type="button" className="nav-item" aria-current={savedId === f.id ? "true" : undefined} onClick={() => onSaved(f)}>
                {f.name}
              </button>
              <MenuButton
                label={<span aria-hidden="true">⋯</span>}
                caret={false}
                ariaLabel={`Options for ${f.name}`}
                className="icon-button"
                items={[
                  { key: "rename", label: "Rename…", onSelect: () => openDialog({ kind: "rename", filter: f }) },
                  { key: "delete", label: "Delete…", tone: "danger", onSelect: () => openDialog({ kind: "delete", filter: f }) },
                ]}
              />
            </li>
          ))}
        </ul>
        <button type="button" className="button save-filter" onClick={() => openDialog({ kind: "save" })}>
          Save current filter…
        </button>
      </nav>
      <Dialog
        open={dialog !== null}
        onClose={close}
        title={dialog?.kind === "save" ? "Save filter" : dialog?.kind === "rename" ? "Rename filter" : "Delete filter"}
      >
        <form onSubmit={submit} className="form">
          {dialog?.kind === "delete" ? (
            <p>
              Delete the saved filter <strong>{dialog.filter.name}</strong>? The activities are not affected.
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
            <button type="button" className="button" onClick={close}>
              Cancel
            </button>
            <button type="submit" className={`button ${dialog?.kind === "delete" ? "button-danger" : "button-primary"}`} disabled={busy}>
              {dialog?.kind === "save" ? "Save" : dialog?.kind === "rename" ? "Rename" : "Delete"}
            </button>
          </div>
        </form>
      </Dialog>
    </>
  );
}
