import PgBoss from "pg-boss";
import type { AppContext } from "../app/context.js";
import { runSystemTransitions } from "../app/run-system-transitions.js";
import { reconcilePayments } from "../app/payments/reconcile.js";
import { housekeeping } from "../app/housekeeping.js";
import { runTimedNotifications } from "../app/notifications/run-timed-notifications.js";
import { refreshAllBusyTimes } from "../app/calendar/refresh-busy.js";
import { runTrashPurge } from "../app/trash/run-trash-purge.js";
import { foldReportCounts } from "../app/reports/fold-counts.js";
import type { DatabaseHandle } from "../store/database.js";
import { ensureTimePartitions } from "../store/partitions-repo.js";
import { dispatchPending, registerConsumers, type OutboxConsumer } from "./outbox-dispatcher.js";

/** The job registry: each job's name, schedule and handler in one list. */
export const JOBS = {
  systemTransitions: { name: "system-transitions", cron: "* * * * *", retryLimit: 3 },
  outboxDispatch: { name: "outbox-dispatch", cron: "* * * * *", retryLimit: 3 },
  // Payments and refunds PayPal has kept pending a while, looked up in case a webhook was lost.
  reconcilePayments: { name: "reconcile-payments", cron: "* * * * *", retryLimit: 1 },
  // Idempotency keys past their 24 hours and old sign-in failure counts.
  housekeeping: { name: "housekeeping", cron: "*/10 * * * *", retryLimit: 1 },
  // Reminders and follow-ups that fell due (worked out from the data, so downtime is caught up).
  timedNotifications: { name: "timed-notifications", cron: "* * * * *", retryLimit: 3 },
  // Connected calendars' busy times, read again (users can also refresh theirs on demand).
  calendarBusy: { name: "calendar-busy-refresh", cron: "*/5 * * * *", retryLimit: 1 },
  // The summary report's counts: the changes of the last minute folded in (reads are exact either way).
  reportCounts: { name: "report-counts-fold", cron: "* * * * *", retryLimit: 1 },
  // What has been in the Trash for 30 days, deleted permanently; then VACUUM after any purge.
  trashPurge: { name: "trash-purge", cron: "*/10 * * * *", retryLimit: 1 },
} as const;

export interface Workers {
  /** Nudge the outbox dispatcher after a commit (it also polls). */
  wake(): void;
  stop(): Promise<void>;
  boss: PgBoss;
}

/**
 * Background work through pg-boss on the same database: the system transitions every minute
 * (cron; a missed minute is caught up because the job works from the data) and the outbox
 * dispatcher (woken after commits, polled every 2 s, and by cron as a backstop).
 * Stateless: several processes can run workers against one PostgreSQL.
 */
/**
 * A sender drains a queue the consumers fill (webhook deliveries per endpoint): run in its own
 * loop, woken with the dispatcher and after each dispatch round, so a slow receiver never holds
 * up the consumers (nor they it).
 */
export type Sender = () => Promise<number>;

export async function startWorkers(ctx: AppContext, handle: DatabaseHandle, consumers: OutboxConsumer[] = [], senders: Sender[] = []): Promise<Workers> {
  const boss = new PgBoss({ db: { executeSql: handle.executeSql }, schema: "pgboss", supervise: true, schedule: true, migrate: true });
  boss.on("error", (err) => console.error("[jobs]", err));
  await boss.start();
  // The coming history years and outbox months (migrations 026, 029), before their first rows need them.
  if (!ctx.embedded) await ensureTimePartitions(ctx.db, ctx.clock.now());
  await registerConsumers(ctx, consumers);
  for (const job of Object.values(JOBS)) {
    await boss.createQueue(job.name, { name: job.name, retryLimit: job.retryLimit, policy: "singleton" });
    await boss.schedule(job.name, job.cron);
  }
  await boss.work(JOBS.systemTransitions.name, async () => {
    await runSystemTransitions(ctx);
  });
  await boss.work(JOBS.reconcilePayments.name, async () => {
    await reconcilePayments(ctx);
  });
  await boss.work(JOBS.housekeeping.name, async () => {
    await housekeeping(ctx);
  });
  await boss.work(JOBS.reportCounts.name, async () => {
    await foldReportCounts(ctx);
  });
  await boss.work(JOBS.trashPurge.name, async () => {
    await runTrashPurge(ctx);
  });
  await boss.work(JOBS.timedNotifications.name, async () => {
    await runTimedNotifications(ctx);
  });
  const loops: LoopState = { stopped: false, inFlight: new Set() };
  const sendAll = loop(async () => {
    // A sender that used its whole budget (5,000 attempts a run) has more to do.
    return (await Promise.all(senders.map((send) => send()))).some((n) => n >= 5000);
  }, "[webhooks]", loops);
  // Each consumer drains in a loop of its own: a slow peer (or a long backlog) of one never delays
  // another's deliveries. A consumer that delivered something may have filled a sender's queue:
  // the senders are woken at once. A round that hit its cap goes round again.
  const CAP = 1000;
  const consumerLoops = consumers.map((c) => loop(async () => {
    const n = await dispatchPending(ctx, c, CAP);
    if (n > 0 && senders.length) void sendAll();
    return n >= CAP;
  }, `[outbox ${c.name}]`, loops));
  await boss.work(JOBS.calendarBusy.name, async () => {
    await refreshAllBusyTimes(ctx);
  });
  const dispatchAll = async () => {
    await Promise.all(consumerLoops.map((run) => run()));
  };
  await boss.work(JOBS.outboxDispatch.name, dispatchAll);
  const poll = setInterval(() => {
    void dispatchAll();
    void sendAll();
  }, 2000);
  poll.unref();
  // Catch up at start: whatever fell due while no worker ran.
  void runSystemTransitions(ctx)
    .then(() => runTimedNotifications(ctx))
    .then(() => runTrashPurge(ctx))
    .catch((err) => console.error("[jobs] system transitions", err));
  return {
    boss,
    wake: () => {
      void dispatchAll();
      if (senders.length) void sendAll();
    },
    stop: async () => {
      clearInterval(poll);
      loops.stopped = true;
      await boss.stop({ graceful: true, wait: true, timeout: 5000 });
      // A delivery under way finishes (its peer call has its own timeout) before the database closes.
      await Promise.all(loops.inFlight);
    },
  };
}

/** Runs `work` one at a time; a call while it runs (or `work` answering true) makes it run once more after. */
function loop(work: () => Promise<boolean | void>, label: string, state: LoopState): () => Promise<void> {
  let running = false;
  let again = false;
  return async () => {
    if (running) return void (again = true);
    if (state.stopped) return;
    running = true;
    let done!: () => void;
    const round = new Promise<void>((r) => (done = r));
    state.inFlight.add(round);
    try {
      do {
        again = false;
        if (state.stopped) break;
        if (await work()) again = true;
      } while (again);
    } catch (err) {
      console.error(label, err);
    } finally {
      running = false;
      state.inFlight.delete(round);
      done();
    }
  };
}

/** Stopping: no loop starts another round, and `stop` waits for the rounds under way. */
interface LoopState {
  stopped: boolean;
  inFlight: Set<Promise<void>>;
}
