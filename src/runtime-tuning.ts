import v8 from "node:v8";

/**
 * V8 settings for a long-running server process, applied once when the server starts.
 *
 * Allocation-site pretenuring off: V8 watches which allocation sites' objects survive a young
 * collection and, past a threshold, allocates them straight in the old generation. Here it fires
 * on node-postgres's row parsing (rows, their strings and Dates) and misfires: the rows die within
 * a request, but while they sit in the old generation they keep the young strings they point to
 * alive through every scavenge. Measured on a 50-row stream page (`--trace-gc-nvp`): each
 * scavenge kept ~3 MB of dead rows and paused the process 3–6 ms; with pretenuring off it keeps
 * a few KB and pauses 0.5 ms, which removes most of the HTTP answer's p95 tail.
 *
 * The young generation's size cannot be changed once V8 runs, so it is a command-line flag where
 * the server is started (`npm start`, `npm run bench`, bin/bookstream.mjs): --max-semi-space-size=64
 * makes scavenges 4× rarer (a page of the stream allocates ~0.3 MB; 16 MB, the default, means
 * one every ~30 answers). Production deployments should pass it too (NODE_OPTIONS).
 *
 * Old generation collected once it is 20 % above what was live after the last full collection,
 * not up to 4× (V8's default when collections are quick): a long export or purge promotes a few MB
 * of short-lived rows at each scavenge, and with the default factor those piled up to +270 MB of
 * garbage before a collection (bench/reports.ts, CSV export of 1,000,000 rows), +40 MB with this,
 * in the same time. The live heap here is small, so the collections it adds are short.
 */
export function tuneRuntimeForServer(): void {
  v8.setFlagsFromString("--no-allocation-site-pretenuring");
  v8.setFlagsFromString("--heap-growing-percent=20");
}
