import pg from "pg";

/**
 * Cross-process nudges over PostgreSQL LISTEN/NOTIFY, for layouts where API processes and worker
 * processes are apart (README "Running at scale"): an API process that committed outbox events
 * tells the workers at once, so delivery starts in milliseconds instead of at the next 2 s poll.
 * A nudge carries nothing: workers read what is due from the tables, so a lost notification only
 * delays work until the poll (and a reconnecting listener nudges itself for what it missed).
 */
export const OUTBOX_CHANNEL = "bookstream_outbox";

export interface Notifier {
  /** Sends one nudge soon; calls while one is on its way are folded into one more after it. */
  notify(): void;
  close(): Promise<void>;
}

/** One connection of its own, so a nudge never waits behind the pool's queries. */
export function outboxNotifier(databaseUrl: string): Notifier {
  let client: pg.Client | undefined;
  let connecting: Promise<pg.Client> | undefined;
  let sending = false;
  let again = false;
  let closed = false;
  const connect = () => {
    connecting ??= (async () => {
      const c = new pg.Client({ connectionString: databaseUrl });
      c.on("error", () => {
        // A lost connection is replaced on the next nudge.
        if (client === c) client = undefined;
      });
      await c.connect();
      client = c;
      return c;
    })().finally(() => (connecting = undefined));
    return connecting;
  };
  const send = async () => {
    if (sending || closed) return void (again = true);
    sending = true;
    try {
      do {
        again = false;
        const c = client ?? (await connect());
        await c.query(`NOTIFY ${OUTBOX_CHANNEL}`);
      } while (again && !closed);
    } catch (err) {
      client = undefined;
      console.error(`[wake] could not nudge the workers (they poll every 2 s): ${(err as Error).message}`);
    } finally {
      sending = false;
    }
  };
  return {
    notify: () => void send(),
    close: async () => {
      closed = true;
      await client?.end().catch(() => undefined);
    },
  };
}

/** Listens on its own connection and calls `onNudge` per notification; reconnects after a loss, nudging once for what it missed. */
export async function listenForNudges(databaseUrl: string, onNudge: () => void): Promise<{ close(): Promise<void> }> {
  let closed = false;
  let client: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;
  const start = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: databaseUrl });
    c.on("notification", () => onNudge());
    c.on("error", () => undefined); // followed by "end", handled there
    c.on("end", () => {
      if (closed || client !== c) return;
      client = undefined;
      again();
    });
    await c.connect();
    await c.query(`LISTEN ${OUTBOX_CHANNEL}`);
    client = c;
  };
  const again = () => {
    if (closed) return;
    retry = setTimeout(() => void start().then(onNudge, again), 1_000);
    retry.unref();
  };
  await start();
  return {
    close: async () => {
      closed = true;
      clearTimeout(retry);
      await client?.end().catch(() => undefined);
    },
  };
}
