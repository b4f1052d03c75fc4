/**
 * "Now", injectable. Production reads the system clock; with BOOKSTREAM_TEST_CLOCK=1 the test
 * clock can be moved forward (never back) by POST /api/v1/test-clock.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export class AdjustableClock implements Clock {
  private offsetMs = 0;
  /** `startAt`: where a test's calendar begins, so fixed dates in it stay in the future whatever today is. */
  constructor(startAt?: Date) {
    if (startAt) this.offsetMs = startAt.getTime() - Date.now();
  }
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  /** Moves "now" to `to`; refuses to go back so system transitions stay monotonic. */
  moveTo(to: Date): Date {
    const target = to.getTime() - Date.now();
    if (target < this.offsetMs) throw new RangeError(`the test clock only moves forward (it is ${this.now().toISOString()})`);
    this.offsetMs = target;
    return this.now();
  }
}
