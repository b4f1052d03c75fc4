import { useCallback, useMemo, useState } from "react";
import { ApiError } from "../api/client";
import { flattenStream, useStream, useStreamTotal } from "../api/stream-cache";
import type { Me, SavedFilter } from "../api/types";
import { navigate, setSearch, useLocation } from "../app/router";
import { DetailsPane } from "../details/DetailsPane";
import { formatCount, plural, zoneName } from "../ui/format";
import { useMediaQuery } from "../ui/use-media-query";
import { FilterPanel } from "./FilterPanel";
import { countFilters, emptyFilters, filtersToSearch, fromQuery, parseFilters, sortOf, SORTS, sortsFor, toApiParams, toQuery, viewSort, type Filters, type SortName, type ViewName } from "./filters";
import { SearchBox } from "./SearchBox";
import { StreamList } from "./StreamList";
import { ViewsNav } from "./ViewsNav";
import { BulkBar, useBulkSelection } from "./BulkSelection";
import { TrashBanner } from "../trash/TrashBanner";

/** The orders offered: packages have no meeting time of their own (their rows show their sessions'). */
const sortChoices = (mode: "stream" | "packages", view: ViewName): SortName[] => {
  const all = sortsFor(view);
  return mode === "packages" ? all.filter((k) => k === "updated" || k === "created" || k === viewSort(view)) : all;
};

/**
 * The Activity stream (or the Packages tab): views, filters, the list and the Details pane. The
 * Trash is one of its views (admins): the same search, filters, sorts and Select mode over what is
 * in the Trash, with the "Empty trash now" banner; each row says when it is deleted.
 */
export function StreamPage({ me, mode }: { me: Me; mode: "stream" | "packages" }) {
  const { search, pathname } = useLocation();
  const zone = me.user.timeZone;
  const openId = search.get("open") ?? undefined;
  const savedId = search.get("saved");
  const filterString = useMemo(() => filtersToSearch(parseFilters(search)).toString(), [search]);
  const filters = useMemo(() => parseFilters(new URLSearchParams(filterString)), [filterString]);
  // "Now" is taken when the filter changes, so the query key (and the list) stays put meanwhile.
  const apiParams = useMemo(
    () => toApiParams(filters, zone, new Date(), mode === "packages" ? "package" : undefined).toString(),
    [filters, zone, mode],
  );
  const stream = useStream(apiParams);
  const items = useMemo(() => flattenStream(stream.data), [stream.data]);
  const counted = useStreamTotal(apiParams, !stream.isError).data;
  // Asked here, not in the list, which re-renders on every scrolled frame.
  const rowHeight = useMediaQuery("(max-width: 640px)") ? 96 : 64;
  const [panelOpen, setPanelOpen] = useState(false);
  const [drawerOpen, setDrawerOpen] = useState(false);
  const closeDrawer = useCallback(() => setDrawerOpen(false), []);
  const isAdmin = me.user.role === "admin";
  const bulk = useBulkSelection();

  const go = useCallback(
    (f: Filters, extra: { saved?: string | null; replace?: boolean } = {}) => {
      const s = filtersToSearch(f);
      if (extra.saved) s.set("saved", extra.saved);
      if (openId) s.set("open", openId);
      setSearch(s, { replace: extra.replace });
    },
    [openId],
  );
  const setOpen = useCallback(
    (id: string | null) => {
      const s = new URLSearchParams(window.location.search);
      if (id) s.set("open", id);
      else s.delete("open");
      setSearch(s);
    },
    [],
  );
  const pickView = (v: ViewName) => {
    setDrawerOpen(false);
    // A selection belongs to the view it was made in (in the Trash, its buttons restore and delete).
    if (v !== filters.view) bulk.stop();
    go({ ...emptyFilters(), view: v });
  };
  const pickSaved = (f: SavedFilter) => {
    setDrawerOpen(false);
    bulk.stop();
    const s = fromQuery(f.query);
    s.set("saved", f.id);
    if (pathname !== "/activities") navigate(`/activities?${s}`);
    else setSearch(s);
  };

  const error = stream.error instanceof ApiError ? stream.error : stream.error ? new ApiError(0, "unknown", String(stream.error)) : null;
  const queryInvalid = error?.code === "invalid_query";
  const state = stream.isPending ? "loading" : error ? "error" : stream.isFetching && !stream.isFetchingNextPage ? "loading" : "ready";
  const nFilters = countFilters(filters);
  const isCustom = nFilters > 0 || filters.q.trim() !== "";
  const inTrash = mode === "stream" && filters.view === "trash";
  const title = mode === "packages" ? "Session packages" : inTrash ? "Trash" : "Activity stream";

  return (
    <div className={`stream-layout${openId ? " has-details" : ""}${mode === "packages" ? " no-nav" : ""}`}>
      {mode === "stream" && (
        <ViewsNav
          view={filters.view}
          savedId={savedId}
          isCustom={isCustom}
          currentQuery={toQuery(filters)}
          onView={pickView}
          onSaved={pickSaved}
          onSavedDeleted={(id) => id === savedId && go(filters)}
          drawerOpen={drawerOpen}
          onCloseDrawer={closeDrawer}
          showTrash={isAdmin}
        />
      )}
      <section className="stream-main" aria-label={title}>
        <div className="filter-bar">
          <h1 className="page-title">{title}</h1>
          <div className="filter-controls">
            {mode === "stream" && (
              <button type="button" className="button views-button" onClick={() => setDrawerOpen(true)}>
                Views
              </button>
            )}
            <SearchBox value={filters.q} onChange={(q) => go({ ...filters, q }, { replace: true })} error={error} />
            <button type="button" className="button" aria-expanded={panelOpen} aria-controls="filter-panel" onClick={() => setPanelOpen((o) => !o)}>
              Filters{nFilters > 0 && <span className="count-pill">{nFilters}</span>}
            </button>
            {isAdmin && mode === "stream" && (
              <button type="button" className="button" aria-pressed={bulk.on} onClick={bulk.on ? bulk.stop : bulk.start}>
                {bulk.on ? "Done" : "Select"}
              </button>
            )}
            <label className="sort-control">
              <span className="sort-label">Sort</span>
              <select className="input" value={sortOf(filters)} onChange={(e) => go({ ...filters, sort: e.target.value as SortName })}>
                {sortChoices(mode, filters.view).map((k) => (
                  <option key={k} value={k}>
                    {SORTS[k]}
                  </option>
                ))}
              </select>
            </label>
          </div>
          {panelOpen && (
            <div id="filter-panel">
              <FilterPanel filters={filters} onChange={(f) => go(f)} hideType={mode === "packages"} onDone={() => setPanelOpen(false)} />
            </div>
          )}
          <p className="stream-count" aria-live="polite">
            {counted?.total !== undefined ? (
              <>
                <strong data-testid="stream-total">{formatCount(counted.total, counted.totalIsLowerBound)}</strong>{" "}
                <span data-testid="stream-noun">{counted.totalIsLowerBound ? (mode === "packages" ? "packages" : "activities") : mode === "packages" ? plural(counted.total, "package") : plural(counted.total, "activity", "activities")}</span>
                {inTrash && " in the Trash"}
              </>
            ) : error ? (
              "—"
            ) : (
              "Counting…"
            )}
            <span className="muted"> · {SORTS[sortOf(filters)].toLowerCase()} · times in {zoneName(zone)}</span>
          </p>
        </div>
        {inTrash && isAdmin && <TrashBanner total={counted?.total} />}
        {bulk.on && <BulkBar selection={bulk} zone={zone} inTrash={inTrash} />}
        {error && !queryInvalid && (
          <div className="notice notice-error" role="alert">
            <p>{error.message}</p>
            <button type="button" className="button" onClick={() => stream.refetch()}>
              Try again
            </button>
          </div>
        )}
        {queryInvalid && <div className="empty">Fix the search above to see activities.</div>}
        {!error && !stream.isPending && items.length === 0 && (
          <div className="empty">
            <p>{inTrash && !isCustom ? "The Trash is empty." : `No ${mode === "packages" ? "session packages" : "activities"} match.`}</p>
            {isCustom && (
              <button type="button" className="button" onClick={() => go({ ...emptyFilters(), view: filters.view })}>
                Clear filters and search
              </button>
            )}
          </div>
        )}
        {stream.isPending && <div className="empty" aria-hidden="true">Loading…</div>}
        <StreamList
          items={queryInvalid ? [] : items}
          total={counted?.total}
          hasNextPage={Boolean(stream.hasNextPage) && !queryInvalid}
          isFetchingNextPage={stream.isFetchingNextPage}
          fetchNextPage={stream.fetchNextPage}
          selectedId={openId?.toUpperCase()}
          onOpen={setOpen}
          zone={zone}
          filterKey={apiParams}
          state={state}
          label={title}
          rowHeight={rowHeight}
          selection={bulk.on ? bulk : undefined}
        />
      </section>
      {openId && (
        <DetailsPane
          id={openId}
          me={me}
          onClose={() => setOpen(null)}
          onOpen={setOpen}
          onCustomer={(id, name) => {
            const s = filtersToSearch({ ...emptyFilters(), customerId: id, customerName: name });
            s.set("open", openId);
            navigate(`/activities?${s}`);
          }}
        />
      )}
    </div>
  );
}
