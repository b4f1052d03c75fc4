import { foldReportDeltas } from "../../store/report-counts-repo.js";
import type { AppContext } from "../context.js";

/** The report-counts job: folds every delta written so far (in rounds of up to 100,000). */
export async function foldReportCounts(ctx: AppContext): Promise<number> {
  let total = 0;
  for (let n = await foldReportDeltas(ctx.db); ; n = await foldReportDeltas(ctx.db)) {
    total += n;
    if (n < 100_000) return total;
  }
}
