import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { DAVClient } from "tsdav";

/**
 * A real CalDAV server for tests: Debian's Radicale on a free port with a temporary folder and
 * plain htpasswd users. `addUser` makes a user with one calendar; `client` reads it back with tsdav.
 */
export interface Radicale {
  url: string;
  addUser(name: string, password: string, calendars?: string[]): Promise<{ calendarUrls: string[] }>;
  client(name: string, password: string): Promise<DAVClient>;
  /** Stops the server (it can be started again on the same port and folder with `start`). */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      s.close(() => (typeof a === "object" && a ? resolve(a.port) : reject(new Error("no port"))));
    });
  });
}

export async function startRadicale(): Promise<Radicale> {
  const dir = mkdtempSync(path.join(tmpdir(), "radicale-"));
  const users = new Map<string, string>();
  const htpasswd = path.join(dir, "users");
  writeFileSync(htpasswd, "");
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const config = path.join(dir, "config");
  writeFileSync(config, [
    "[server]", `hosts = 127.0.0.1:${port}`,
    "[auth]", "type = htpasswd", `htpasswd_filename = ${htpasswd}`, "htpasswd_encryption = plain", "delay = 0",
    "[storage]", `filesystem_folder = ${path.join(dir, "collections")}`,
    "[rights]", "type = owner_only",
    "[logging]", "level = warning", "mask_passwords = True",
  ].join("\n"));
  let proc: ChildProcess | undefined;
  const start = async () => {
    proc = spawn("/usr/bin/radicale", ["--config", config], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    proc.stderr!.on("data", (d) => (stderr = (stderr + d).slice(-4000)));
    for (let i = 0; i < 200; i++) {
      const up = await fetch(`${url}/.web/`).then(() => true, () => false);
      if (up) return;
      if (proc.exitCode != null) throw new Error(`radicale exited: ${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`radicale did not start: ${stderr}`);
  };
  const stop = async () => {
    const p = proc;
    proc = undefined;
    if (!p || p.exitCode != null) return;
    await new Promise<void>((resolve) => {
      p.once("exit", () => resolve());
      p.kill("SIGTERM");
    });
  };
  await start();
  const client = async (name: string, password: string) => {
    const c = new DAVClient({ serverUrl: url, credentials: { username: name, password }, authMethod: "Basic", defaultAccountType: "caldav" });
    await c.login();
    return c;
  };
  return {
    url,
    start,
    stop,
    client,
    async addUser(name, password, calendars = ["work"]) {
      users.set(name, password);
      writeFileSync(htpasswd, [...users].map(([u, p]) => `${u}:${p}`).join("\n") + "\n");
      const c = await client(name, password);
      const calendarUrls: string[] = [];
      for (const cal of calendars) {
        const calUrl = `${url}/${name}/${cal}/`;
        await c.makeCalendar({ url: calUrl, props: { displayname: cal } });
        calendarUrls.push(calUrl);
      }
      return { calendarUrls };
    },
    async close() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
