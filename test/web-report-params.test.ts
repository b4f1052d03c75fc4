import { describe, expect, it } from "vitest";
import { isSavedReport } from "../web/src/api/reports";
import { DEFAULTS, parseReport, reportApiParams, reportKindOf, reportToSearch, savedReportHref, toSavedQuery } from "../web/src/reports/report-params";

/** A report's URL is its state (web/src/reports/report-params.ts): read, written, sent to the API, saved. */
describe("report URL state", () => {
  const q = (s: string) => new URLSearchParams(s);

  it("reads defaults from an empty or malformed URL, and writes nothing for them", () => {
    for (const kind of ["summary", "detail", "revenue"] as const) {
      expect(reportToSearch(kind, parseReport(kind, q(""))).toString()).toBe("");
      const junk = parseReport(kind, q("rows=nope&columns=nope&interval=year&by=x&sort=secret&order=up&from=2026-13-45&zone=Mars/Base&includeTrash=maybe&counts=x"));
      expect(reportToSearch(kind, junk).toString()).toBe("");
    }
    expect(parseReport("detail", q("")).timeBasis).toBe("created");
    expect(parseReport("summary", q("")).timeBasis).toBe("meeting");
  });

  it("keeps each report's own parameters, in a stable order, and drops the others", () => {
    const summary = parseReport("summary", q("status=Canceled,No-show&detailedStatus=Canceled (By user)&detailedStatus=No-show (Set by user)&rows=owner&columns=time&interval=week&timeBasis=created&q=ana&from=2026-03-01&to=2026-03-31&includeTrash=false&zone=Europe/Paris&by=owner&currency=EUR"));
    expect(summary).toMatchObject({ status: ["Canceled", "No-show"], detailedStatus: ["Canceled (By user)", "No-show (Set by user)"], rows: "owner", columns: "time", interval: "week", currency: [] });
    expect(reportToSearch("summary", summary).toString()).toBe(
      "rows=owner&columns=time&timeBasis=created&interval=week&status=Canceled%2CNo-show&detailedStatus=Canceled+%28By+user%29&detailedStatus=No-show+%28Set+by+user%29&q=ana&from=2026-03-01&to=2026-03-31&includeTrash=false&zone=Europe%2FParis",
    );
    const revenue = parseReport("revenue", q("by=eventType&currency=EUR,USD&status=Canceled&q=ana&timeBasis=created"));
    expect(reportToSearch("revenue", revenue).toString()).toBe("by=eventType&currency=EUR%2CUSD");
  });

  it("never has the same dimension twice, nor a range that ends before it starts", () => {
    expect(parseReport("summary", q("rows=owner&columns=owner")).columns).toBe("");
    expect(parseReport("summary", q("columns=time")).columns).toBe(""); // rows default to time
    expect(parseReport("summary", q("from=2026-05-10&to=2026-05-01"))).toMatchObject({ from: "2026-05-10", to: "" });
  });

  it("sends calendar days as instants in the report's zone, the last day whole (a 25-hour day included)", () => {
    const s = parseReport("summary", q("from=2026-10-25&to=2026-10-25"));
    const p = reportApiParams("summary", s, "Europe/Paris");
    expect(p.get("from")).toBe("2026-10-24T22:00:00Z");
    expect(p.get("to")).toBe("2026-10-25T23:00:00Z");
    expect(p.get("zone")).toBe("Europe/Paris");
    expect(p.get("includeTrash")).toBe("true");
    expect([p.get("rows"), p.get("interval"), p.get("timeBasis")]).toEqual(["time", "month", "meeting"]);
  });

  it("asks the detail report for the picked columns and order, a page at a time", () => {
    const s = parseReport("detail", q("columns=status,id,status,bogus&sort=amount&order=asc&type=transaction"));
    expect(s.show).toEqual(["status", "id"]);
    const p = reportApiParams("detail", s, "UTC");
    expect([p.get("columns"), p.get("sort"), p.get("order"), p.get("type"), p.get("limit"), p.get("timeBasis")]).toEqual(["status,id", "amount", "asc", "transaction", "100", "created"]);
    expect(reportApiParams("detail", { ...DEFAULTS, show: DEFAULTS.show }, "UTC").get("columns")).toBe(DEFAULTS.show.join(","));
  });

  it("saves a report as a saved filter naming it, and opens it again at the same URL", () => {
    const state = parseReport("summary", q("rows=bookingPage&status=Canceled&detailedStatus=Canceled (By user)&detailedStatus=Canceled (By customer)"));
    const query = toSavedQuery("summary", state);
    expect(query).toEqual({ report: "summary", rows: "bookingPage", status: "Canceled", detailedStatus: ["Canceled (By user)", "Canceled (By customer)"] });
    expect(isSavedReport({ id: "1", name: "x", query, createdAt: "", updatedAt: "" })).toBe(true);
    expect(isSavedReport({ id: "2", name: "stream", query: { status: "Canceled" }, createdAt: "", updatedAt: "" })).toBe(false);
    const href = savedReportHref(query, "abc")!;
    expect(href.startsWith("/reports/summary?")).toBe(true);
    const back = new URL(href, "http://x").searchParams;
    expect(back.get("saved")).toBe("abc");
    back.delete("saved");
    expect(back.toString()).toBe(reportToSearch("summary", state).toString());
    expect(savedReportHref({ report: "pie" }, "abc")).toBeNull();
  });

  it("maps paths to reports", () => {
    expect(["/reports", "/reports/summary", "/reports/detail", "/reports/revenue", "/reports/x", "/reportsx"].map(reportKindOf)).toEqual(["summary", "summary", "detail", "revenue", null, null]);
  });
});
