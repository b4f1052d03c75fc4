import { FOLD_ROUND, foldReportDeltas } from "../../store/report-counts-repo.js";
import type { AppContext } from "../context.js";

/** The report-counts job: folds every delta written so far, bookings' and money's (in rounds of FOLD_ROUND each). */
export async function foldReportCounts(ctx: AppContext): Promise<number> {
  let total = 0;
  for (;;) {
    const { bookings, money } = await foldReportDeltas(ctx.db);
    total += bookings + money;
    if (bookings < FOLD_ROUND && money < FOLD_ROUND) return total;
  }
}
