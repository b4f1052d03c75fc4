import net from "node:net";
import { vi } from "vitest";

/**
 * Counts the writes handed to sockets from now on: each is a system call (Node writes a corked
 * batch at once), so with one database connection and the test's own calls awaited, each is a
 * round trip. Undone by `vi.restoreAllMocks()`.
 */
export function socketWrites(): () => number {
  const single = vi.spyOn(net.Socket.prototype as any, "_write");
  const batched = vi.spyOn(net.Socket.prototype as any, "_writev");
  return () => single.mock.calls.length + batched.mock.calls.length;
}
