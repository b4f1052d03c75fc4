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
 */
export function tuneRuntimeForServer(): void {
  v8.setFlagsFromString("--no-allocation-site-pretenuring");
}
