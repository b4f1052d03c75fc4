import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { client, customer } from "./support/harness.js";

/**
 * The embedded database as a user runs it: a real `bookstream serve` process on a data folder.
 * An acknowledged write must survive kill -9, and a second process on the same folder must
 * refuse to start (and write nothing) while the first holds it.
 */
const ROOT = path.resolve(import.meta.dirname, "..");
const children: ChildProcess[] = [];

function serve(dataDir: string, port: number) {
  // `node --import tsx` keeps the server in this one process, so kill -9 hits the server itself.
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", "serve", "--data-dir", dataDir, "--port", String(port)], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: "warn", BOOKSTREAM_DEMO: "1", DATABASE_URL: "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const ready = new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const token = output.match(/API token for scripts: (bst_[A-Za-z0-9_-]+)/)?.[1];
      if (token) (clearInterval(timer), resolve(token));
    }, 100);
    void exited.then((code) => (clearInterval(timer), reject(new Error(`server exited (${code}): ${output}`))));
  });
  return { child, ready, exited, output: () => output };
}

afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
});

describe("embedded database (PGlite) on a data folder", () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "bookstream-durable-"));
  const port = 20000 + Math.floor(Math.random() * 20000);

  it("keeps an acknowledged booking after kill -9, and refuses a second process on the folder", async () => {
    const first = serve(dataDir, port);
    const token = await first.ready;
    const url = `http://127.0.0.1:${port}`;
    const start = new Date(Date.now() + 3 * 86_400_000);
    start.setUTCHours(17, 30, 0, 0); // Intro call: weekdays 9–17 New York; the demo seed books only on the hour
    // The demo seed's own meetings are random: a weekday whose 17:30 they already take answers 409,
    // so try the next weekdays (CI once met a taken one on two runs in a row).
    let booked = { status: 0, body: {} as any };
    for (let tries = 0; tries < 10 && booked.status !== 201; tries++) {
      while ([0, 6].includes(start.getUTCDay())) start.setUTCDate(start.getUTCDate() + 1);
      booked = await client(url).post("/api/v1/public/pages/intro-call/bookings", { start: start.toISOString(), customer: customer(7) });
      if (booked.status === 409) start.setUTCDate(start.getUTCDate() + 1);
      else break;
    }
    expect(booked.status, JSON.stringify(booked.body)).toBe(201);
    const id = booked.body.activity.id as string;

    // A second server on the same folder must fail fast with a clear message, and write nothing.
    const second = serve(dataDir, port + 1);
    await expect(second.ready).rejects.toThrow(/in use by another Bookstream process/);
    expect(await second.exited).not.toBe(0);

    first.child.kill("SIGKILL");
    await first.exited;

    const third = serve(dataDir, port + 2);
    await third.ready;
    const after = await client(`http://127.0.0.1:${port + 2}`, token).get(`/api/v1/activities/${id}`);
    expect(after.status).toBe(200);
    expect(after.body.detailedStatus).toBe("Scheduled (By customer)");
    expect(after.body.customer.email).toBe(booked.body.activity.customer.email);
    third.child.kill("SIGTERM");
    expect(await third.exited).toBe(0);
  }, 180_000);
});
