/**
 * Calls to one org made at about the same time go as one HTTP call through Salesforce's Composite
 * resource (`POST /composite`, allOrNone false: each subrequest succeeds or fails on its own, and
 * Salesforce counts the call once against the org's API limits). A call waits `windowMs` for
 * company; alone, it goes as the plain call it is. Subrequests run in order, so calls queued in
 * order keep their order; the outbox never has two calls of one booking in flight anyway.
 *
 * Limits (Salesforce's): 25 subrequests a call, at most 5 of them queries.
 */
export interface CompositeCall {
  method: string;
  /** Relative to the data API's version root ("/sobjects/Event", "/query?q=…"). */
  url: string;
  body?: unknown;
}

export interface SubrequestAnswer {
  body: unknown;
  httpStatusCode: number;
}

export interface CompositeTransport {
  /** One plain call; rejects with the transport's error. */
  single(call: CompositeCall): Promise<unknown>;
  /** The calls as one composite request; its answers in order, or a rejection for the whole call. */
  composite(calls: CompositeCall[]): Promise<SubrequestAnswer[]>;
  /** A failed subrequest's answer as the error a plain call would have thrown. */
  errorOf(answer: SubrequestAnswer): Error;
}

export const MAX_SUBREQUESTS = 25;
export const MAX_QUERY_SUBREQUESTS = 5;

interface Pending {
  call: CompositeCall;
  transport: CompositeTransport;
  resolve(v: unknown): void;
  reject(e: unknown): void;
}

const isQuery = (c: CompositeCall) => /^\/(query|queryAll)\b/.test(c.url);

export class CompositeBatcher {
  private queue: Pending[] = [];
  private inFlight = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly windowMs: number, private readonly maxInFlight = 4) {}

  request(transport: CompositeTransport, call: CompositeCall): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.queue.push({ call, transport, resolve, reject });
      if (this.queue.length >= MAX_SUBREQUESTS) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.windowMs);
    });
  }

  private flush() {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.queue.length && this.inFlight < this.maxInFlight) {
      const batch: Pending[] = [];
      let queries = 0;
      const rest: Pending[] = [];
      for (const p of this.queue) {
        if (batch.length < MAX_SUBREQUESTS && (!isQuery(p.call) || queries < MAX_QUERY_SUBREQUESTS)) {
          batch.push(p);
          if (isQuery(p.call)) queries++;
        } else rest.push(p);
      }
      this.queue = rest;
      this.inFlight++;
      void this.send(batch).finally(() => {
        this.inFlight--;
        if (this.queue.length && !this.timer) this.flush();
      });
    }
    // Calls beyond the slots wait for one to free up (flushed then, above).
  }

  private async send(batch: Pending[]): Promise<void> {
    const transport = batch[0]!.transport;
    if (batch.length === 1) {
      const [p] = batch;
      await transport.single(p!.call).then(p!.resolve, p!.reject);
      return;
    }
    let answers: SubrequestAnswer[];
    try {
      answers = await transport.composite(batch.map((p) => p.call));
    } catch (err) {
      for (const p of batch) p.reject(err);
      return;
    }
    batch.forEach((p, i) => {
      const a = answers[i];
      if (!a) p.reject(transport.errorOf({ httpStatusCode: 500, body: [{ errorCode: "UNKNOWN_EXCEPTION", message: "no answer for this subrequest" }] }));
      else if (a.httpStatusCode >= 200 && a.httpStatusCode < 300) p.resolve(a.body);
      else p.reject(transport.errorOf(a));
    });
  }
}

/** One batcher per org session (instance URL and account), shared by every client of it in this process. */
const batchers = new Map<string, CompositeBatcher>();
export function batcherFor(key: string, windowMs: number): CompositeBatcher {
  let b = batchers.get(key);
  if (!b) batchers.set(key, (b = new CompositeBatcher(windowMs)));
  return b;
}
