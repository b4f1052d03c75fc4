import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer, type SMTPServerSession } from "smtp-server";
import { seededRandom } from "../../peers/paypal/faults.js";

/**
 * A real SMTP server in the test's process (smtp-server), keeping what it accepts parsed with
 * mailparser, in the order accepted. Failures come two ways:
 * - scripted: `failures` is a queue, one taken at each MAIL FROM ("451", "550", or "drop": the
 *   connection is cut with no answer);
 * - random: `setFaults(rate, seed)` fails that share of transactions, drawn from a seeded PRNG (a
 *   failing run repeats with the same seed, given the same order of transactions), at MAIL FROM,
 *   RCPT TO or after DATA was read — always before the message is accepted, so any copy that
 *   arrives twice was sent twice.
 */
export type Failure = "451" | "550" | "drop";

type Phase = "mail" | "rcpt" | "data";
const RANDOM_FAULTS: { phase: Phase; failure: Failure }[] = [
  { phase: "mail", failure: "451" }, { phase: "mail", failure: "550" }, { phase: "mail", failure: "drop" },
  { phase: "rcpt", failure: "451" }, { phase: "rcpt", failure: "550" },
  { phase: "data", failure: "451" }, { phase: "data", failure: "drop" },
];

export class Inbox {
  messages: ParsedMail[] = [];
  failures: Failure[] = [];
  /** Transactions begun (MAIL FROM) and the random faults injected into them, by "phase failure". */
  stats = { transactions: 0, faults: 0, byKind: {} as Record<string, number> };
  server: SMTPServer;
  port = 0;
  private random: (() => number) | null = null;
  private rate = 0;
  private planned = new Map<string, { phase: Phase; failure: Failure }>();

  constructor() {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS", "AUTH"],
      logger: false,
      disableReverseLookup: true,
      onMailFrom: (_address, session, cb) => {
        this.stats.transactions++;
        const scripted = this.failures.shift();
        if (scripted) return this.fail(session, scripted, cb);
        const p = this.plan(session);
        if (p?.phase === "mail") return this.fail(session, p.failure, cb);
        cb();
      },
      onRcptTo: (_address, session, cb) => {
        const p = this.planned.get(session.id);
        if (p?.phase === "rcpt") return this.fail(session, p.failure, cb);
        cb();
      },
      onData: (stream, session, cb) => {
        const p = this.planned.get(session.id);
        if (p?.phase === "data") {
          // Read to the end, then refuse or hang up instead of accepting.
          stream.on("end", () => this.fail(session, p.failure, cb));
          stream.resume();
          return;
        }
        simpleParser(stream).then((m) => {
          this.messages.push(m);
          cb();
        }, cb);
      },
      onClose: (session) => void this.planned.delete(session.id),
    });
  }

  /** Fails about `rate` of the transactions from now on (0 stops). */
  setFaults(rate: number, seed = 1) {
    this.rate = rate;
    this.random = rate > 0 ? seededRandom(seed) : null;
  }

  async start() {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.server.address() as any).port;
  }

  close() {
    return new Promise<void>((r) => this.server.close(() => r()));
  }

  to(address: string) {
    return this.messages.filter((m) => addresses(m.to).includes(address.toLowerCase()));
  }

  private plan(session: SMTPServerSession) {
    this.planned.delete(session.id);
    if (!this.random || this.random() >= this.rate) return undefined;
    const p = RANDOM_FAULTS[Math.floor(this.random() * RANDOM_FAULTS.length)];
    this.planned.set(session.id, p);
    this.stats.faults++;
    const kind = `${p.phase} ${p.failure}`;
    this.stats.byKind[kind] = (this.stats.byKind[kind] ?? 0) + 1;
    return p;
  }

  private fail(session: SMTPServerSession, f: Failure, cb: (err?: Error) => void) {
    this.planned.delete(session.id);
    if (f === "drop") {
      // The peer vanishes mid-conversation: the connection is cut, no answer at all.
      for (const c of (this.server as any).connections) if (c.session?.id === session.id) c._socket.destroy();
      return;
    }
    cb(Object.assign(new Error(f === "451" ? "Try again later" : "Mailbox unavailable"), { responseCode: Number(f) }));
  }
}

export const addresses = (a: ParsedMail["to"]): string[] => (Array.isArray(a) ? a : a ? [a] : []).flatMap((x) => x.value.map((v) => (v.address ?? "").toLowerCase()));
