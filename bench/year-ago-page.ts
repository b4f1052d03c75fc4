/**
 * The "created a year ago" page alone (issue 16), as its SQL path runs in `npm run bench`: the
 * first page 120 times (the last 100 timed), then pages 1–5, each with the statements it ran
 * ("walk", "estimate" or "all matches": test/support/stream-statements.ts). For A/B runs on one
 * large database without the whole bench:
 *
 *   BENCH_POSTGRES_DB=bookstream_bench_15m npx tsx bench/year-ago-page.ts
 *
 * Knobs: BENCH_POSTGRES_URL (the server, as in the bench), BENCH_POSTGRES_DB, BENCH_MIGRATE=0
 * (leave the schema as it is: an older checkout reads a database a newer one migrated).
 */
import { sql } from "kysely";
import { BENCH_ADMIN_EMAIL } from "../src/store/bulk-seed.js";
import { openDatabase } from "../src/store/database.js";
import { queryStream, type StreamCursor } from "../src/store/stream-repo.js";
import { streamStatementKind } from "../test/support/stream-statements.js";
import { createdAYearAgo } from "./cases.js";

const server = new URL(process.env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres");
server.pathname = `/${process.env.BENCH_POSTGRES_DB ?? "bookstream_bench"}`;
const handle = await openDatabase({ databaseUrl: server.toString(), migrate: process.env.BENCH_MIGRATE !== "0" });
const db = handle.db;
const admin = (await sql<{ account_id: string }>`SELECT account_id FROM users WHERE email = ${BENCH_ADMIN_EMAIL}`.execute(db)).rows[0];
if (!admin) throw new Error(`${server.pathname.slice(1)} is not a bench database (no ${BENCH_ADMIN_EMAIL})`);
const scope = { accountId: admin.account_id };
const filters = createdAYearAgo(new Date());
const index = (await sql<{ def: string }>`SELECT indexdef AS def FROM pg_indexes WHERE indexname = 'activities_stream_idx'`.execute(db)).rows[0]?.def;
console.log(`stream index: ${index ?? "none"}`);

let shapes: string[] = [];
const recording = db.withPlugin({
  transformQuery: ({ node }) => {
    shapes.push(streamStatementKind(node));
    return node;
  },
  transformResult: async ({ result }) => result,
});

const times: number[] = [];
for (let i = 0; i < 120; i++) {
  shapes = [];
  const t = performance.now();
  const page = await queryStream(recording, scope, filters, null, 50);
  if (i >= 20) times.push(performance.now() - t);
  if (i === 0) console.log(`first page: ${page.rows.length} rows; statements: ${shapes.join(", ")}`);
}
times.sort((a, b) => a - b);
console.log(`created a year ago, SQL: p50 ${times[49].toFixed(2)} p95 ${times[94].toFixed(2)} ms (100 runs after 20)`);

let cursor: StreamCursor | undefined;
const pages: string[] = [];
for (let p = 1; p <= 5; p++) {
  shapes = [];
  const t = performance.now();
  const page = await queryStream(recording, scope, filters, null, 50, cursor);
  pages.push(`${p}: ${(performance.now() - t).toFixed(1)} ms (${shapes.join(", ")})`);
  if (!page.next) break;
  cursor = page.next;
}
console.log(`pages ${pages.join(" | ")}`);
await handle.close();
