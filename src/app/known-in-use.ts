/**
 * Remembers, for a short while, the accounts a check found using an integration (a connected
 * calendar or Salesforce org), so a consumer's idle check (src/jobs/outbox-dispatcher.ts) costs no
 * query per claim for them. Only "in use" is remembered: being wrong about that merely sends an
 * event through `deliver`, which checks again; "not in use" is always asked afresh, so an account
 * that connects is never skipped.
 */
export class KnownInUse {
  private readonly until = new Map<string, number>();
  constructor(private readonly ttlMs = 30_000) {}

  /** The accounts among `ids` not known to be in use, to ask the database about. */
  unknown(ids: Iterable<string>, now = Date.now()): string[] {
    return [...new Set(ids)].filter((id) => (this.until.get(id) ?? 0) <= now);
  }

  has(id: string, now = Date.now()): boolean {
    return (this.until.get(id) ?? 0) > now;
  }

  remember(ids: Iterable<string>, now = Date.now()): void {
    for (const id of ids) this.until.set(id, now + this.ttlMs);
    if (this.until.size > 10_000) for (const [id, t] of this.until) if (t <= now) this.until.delete(id);
  }
}
