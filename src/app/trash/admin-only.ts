import { forbidden } from "../../domain/errors.js";
import type { Caller } from "../context.js";

/** The Trash and the privacy tools are for admins (the seed: "you do need to be an administrator"). */
export function assertAdmin(caller: Caller, what: string): void {
  if (caller.role !== "admin") throw forbidden(`Only an admin may ${what}.`, { requiredRole: "admin" });
}
