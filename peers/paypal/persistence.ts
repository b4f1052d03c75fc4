import fs from "node:fs";
import path from "node:path";
import type { Peer } from "./core.js";

/**
 * The demo's PayPal keeps its apps, orders, captures, refunds and webhook listeners in a file, so
 * payments made on one `npm start` can still be refunded on the next. (Tests keep it in memory.)
 */
interface PeerState {
  version: 1;
  clients: unknown[];
  orders: unknown[];
  captures: unknown[];
  refunds: unknown[];
  listeners: unknown[];
}

function exportState(peer: Peer): string {
  const state: PeerState = {
    version: 1,
    clients: [...peer.core.clients.values()],
    orders: [...peer.core.orders.values()],
    captures: [...peer.core.captures.values()],
    refunds: [...peer.core.refunds.values()],
    listeners: [...peer.hub.listeners.values()],
  };
  return JSON.stringify(state);
}

function importState(peer: Peer, text: string): void {
  const s = JSON.parse(text) as PeerState;
  if (s.version !== 1) return;
  for (const c of s.clients as { clientId: string }[]) peer.core.clients.set(c.clientId, c as never);
  for (const o of s.orders as { id: string }[]) peer.core.orders.set(o.id, o as never);
  for (const c of s.captures as { id: string }[]) peer.core.captures.set(c.id, c as never);
  for (const r of s.refunds as { id: string }[]) peer.core.refunds.set(r.id, r as never);
  for (const l of s.listeners as { id: string }[]) peer.hub.listeners.set(l.id, l as never);
}

/** Loads `file` if it exists, then saves to it every second when something changed; `stop` saves once more. */
export function persistPeer(peer: Peer, file: string): { stop(): void } {
  if (fs.existsSync(file)) importState(peer, fs.readFileSync(file, "utf8"));
  let last = exportState(peer);
  const save = () => {
    const now = exportState(peer);
    if (now === last) return;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(`${file}.tmp`, now);
    fs.renameSync(`${file}.tmp`, file);
    last = now;
  };
  const timer = setInterval(save, 1000);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      save();
    },
  };
}
