import type { Kysely } from "kysely";
import type { Database } from "./schema.js";

/** One step of a bulk load: its own transaction on a connection of its own, once the tasks it names are done. */
export interface LoadTask {
  name: string;
  after?: string[];
  run(trx: Kysely<Database>): Promise<void>;
}

/** When a task ran, in seconds from the start of `runTasks`. */
export interface TaskTiming { name: string; start: number; end: number }

/**
 * Runs `tasks` on up to `connections` connections at once. A free connection takes the first task
 * in list order whose `after` tasks are all done (list the longest first). After a failure no new
 * task starts; the running ones finish (or fail) before the first failure is thrown, so nothing
 * is still writing when the caller cleans up.
 */
export async function runTasks(
  db: Kysely<Database>, tasks: LoadTask[], connections: number, prepare: (trx: Kysely<Database>) => Promise<void>,
): Promise<TaskTiming[]> {
  const names = new Set(tasks.map((t) => t.name));
  for (const t of tasks) {
    const unknown = (t.after ?? []).filter((a) => !names.has(a));
    if (unknown.length) throw new Error(`load task "${t.name}" waits for unknown tasks: ${unknown.join(", ")}`);
  }
  const t0 = performance.now();
  const seconds = () => (performance.now() - t0) / 1000;
  const waiting = [...tasks];
  const done = new Set<string>();
  const timings: TaskTiming[] = [];
  let failure: { error: unknown } | undefined;
  let wake: () => void = () => undefined;
  let changed = new Promise<void>((resolve) => (wake = resolve));
  const signal = () => {
    const w = wake;
    changed = new Promise<void>((resolve) => (wake = resolve));
    w();
  };

  const worker = async () => {
    for (;;) {
      if (failure || waiting.length === 0) return;
      const i = waiting.findIndex((t) => (t.after ?? []).every((a) => done.has(a)));
      if (i < 0) {
        // Everything left waits for a task another connection is running.
        await changed;
        continue;
      }
      const [task] = waiting.splice(i, 1);
      const start = seconds();
      try {
        await db.transaction().execute(async (trx) => {
          await prepare(trx);
          await task.run(trx);
        });
        timings.push({ name: task.name, start, end: seconds() });
        done.add(task.name);
      } catch (error) {
        failure ??= { error };
      }
      signal();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, connections) }, worker));
  if (failure) throw failure.error;
  return timings;
}
